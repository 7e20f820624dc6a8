# Build the Windows console installer: PyInstaller one-dir from the SAME spec as Linux
# (packaging/pyinstaller/quantix-console.spec), then Inno Setup (iscc) on quantix-console.iss.
# NOT RUN: written for Windows 10/11 with Python 3.11 (python.org) and Inno Setup 6 on PATH.
# The console's --demo needs libvirt-python, which has no Windows wheels: the installer's
# console connects to a fleet; the demo is not available on Windows.
$ErrorActionPreference = "Stop"
# "Stop" covers PowerShell's own commands only: a native program (python, pip, PyInstaller,
# iscc) that fails just sets $LASTEXITCODE, so every call goes through Invoke-Checked.
function Invoke-Checked {
    param([string]$What, [scriptblock]$Command)
    $output = & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE)" }
    return $output
}
Set-Location (Join-Path $PSScriptRoot "..\..")
$venv = "build\venv-bundle"
if (-not (Test-Path "$venv\Scripts\python.exe")) { Invoke-Checked "making the venv" { py -3.11 -m venv $venv } }
# The core requirements only (libvirt-python, pyroute2: Linux-only, used by the demo's daemons).
$requirements = (Invoke-Checked "reading the requirements" { & "$venv\Scripts\python.exe" packaging\requirements.py coordinator }) + @("PySide6-Essentials>=6.8,<6.12", "qasync>=0.27", "pyinstaller>=6.10,<7", "pillow")
Invoke-Checked "pip install" { & "$venv\Scripts\python.exe" -m pip install -q @requirements }
New-Item -ItemType Directory -Force build\icon | Out-Null
Invoke-Checked "rendering the icon" { & "$venv\Scripts\python.exe" packaging\render_icon.py build\icon\quantix.ico }
Invoke-Checked "PyInstaller" { & "$venv\Scripts\python.exe" -m PyInstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\pyinstaller\quantix-console.spec }
$version = Invoke-Checked "reading the version" { & "$venv\Scripts\python.exe" -m domain.version }
Invoke-Checked "Inno Setup" { iscc /DAppVersion=$version packaging\windows\quantix-console.iss }
