; Inno Setup script: dist\commonplace\ (from commonplace-win.spec) -> dist\CommonplaceSetup-<ver>.exe
;   iscc /DAppVersion=0.1.0 packaging\windows\installer.iss
; Per-user install by default (no admin prompt); the data dir is the user's and is never
; removed by the uninstaller.
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E0B7C52-4F7A-4C39-9C1B-7A3E1F0C2D11}
AppName=Commonplace
AppVersion={#AppVersion}
AppPublisher=Commonplace
DefaultDirName={autopf}\Commonplace
DefaultGroupName=Commonplace
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=CommonplaceSetup-{#AppVersion}
SetupIconFile=..\..\build\icons\commonplace.ico
UninstallDisplayIcon={app}\commonplace.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; SignTool=signtool   ; configure with: iscc /Ssigntool="signtool sign /fd sha256 /tr http://timestamp.digicert.com /td sha256 $f"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked
Name: "autostart"; Description: "Start Commonplace when I sign in"; Flags: unchecked

[Files]
Source: "..\..\dist\commonplace\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Commonplace"; Filename: "{app}\commonplace.exe"; Parameters: "run"
Name: "{group}\Uninstall Commonplace"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Commonplace"; Filename: "{app}\commonplace.exe"; Parameters: "run"; Tasks: desktopicon
Name: "{userstartup}\Commonplace"; Filename: "{app}\commonplace.exe"; Parameters: "run"; Tasks: autostart

[Run]
Filename: "{app}\commonplace.exe"; Parameters: "run"; Description: "Open Commonplace"; Flags: nowait postinstall skipifsilent
