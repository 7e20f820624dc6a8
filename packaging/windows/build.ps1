# Build the Windows console installer: PyInstaller one-dir from the SAME spec as Linux
# (packaging/pyinstaller/quantix-console.spec), then Inno Setup (iscc) on quantix-console.iss.
# NOT RUN: written for Windows 10/11 with Python 3.11 (python.org) and Inno Setup 6 on PATH.
# The console's --demo needs libvirt-python, which has no Windows wheels: the installer's
# console connects to a fleet; the demo is not available on Windows.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$venv = "build\venv-bundle"
if (-not (Test-Path "$venv\Scripts\python.exe")) { py -3.11 -m venv $venv }
# The core requirements only (libvirt-python, pyroute2: Linux-only, used by the demo's daemons).
$requirements = (& "$venv\Scripts\python.exe" packaging\requirements.py coordinator) + @("PySide6-Essentials>=6.8,<6.12", "qasync>=0.27", "pyinstaller>=6.10,<7", "pillow")
& "$venv\Scripts\python.exe" -m pip install -q @requirements
New-Item -ItemType Directory -Force build\icon | Out-Null
& "$venv\Scripts\python.exe" packaging\render_icon.py build\icon\quantix.ico
& "$venv\Scripts\python.exe" -m PyInstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\pyinstaller\quantix-console.spec
$version = & "$venv\Scripts\python.exe" -m domain.version
iscc /DAppVersion=$version packaging\windows\quantix-console.iss
