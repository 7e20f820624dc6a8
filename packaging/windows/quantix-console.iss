; Inno Setup 6 script for the Quantix console (NOT RUN: see build.ps1).
[Setup]
AppName=Quantix Console
AppVersion={#AppVersion}
AppPublisher=Quantix developers
DefaultDirName={autopf}\Quantix Console
DefaultGroupName=Quantix
OutputDir=..\..\dist
OutputBaseFilename=quantix-console-{#AppVersion}-setup
SetupIconFile=..\..\build\icon\quantix.ico
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "..\..\dist\quantix-console\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Quantix Console"; Filename: "{app}\quantix-console.exe"
Name: "{autodesktop}\Quantix Console"; Filename: "{app}\quantix-console.exe"; Tasks: desktopicon

[Tasks]
Name: desktopicon; Description: "Create a desktop shortcut"; Flags: unchecked
