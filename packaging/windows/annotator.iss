; Inno Setup script for the Windows installer (built by .github/workflows/release.yml):
;   iscc /DAppVersion=0.1.0 packaging\windows\annotator.iss
; It installs the bundle that packaging/build.py made in dist\annotator-VERSION: annotator.exe
; (the window) and annotator-cli.exe (the same program with a console, for the command line
; and "annotator-cli --self-test"), a Start menu entry, and opens .annotator files with the
; app. The uninstaller removes all of it; projects and settings stay where the user put them.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z annotator.iss
#endif

[Setup]
AppId={{5E0C7B0A-3F4B-4C43-9B5E-6A1D2C0F9E41}
AppName=annotator
AppVersion={#AppVersion}
AppPublisher=the annotator contributors
DefaultDirName={autopf}\annotator
DefaultGroupName=annotator
DisableProgramGroupPage=yes
LicenseFile=..\..\LICENSE
OutputDir=..\..\dist
OutputBaseFilename=annotator-{#AppVersion}-windows-x86_64-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
UninstallDisplayIcon={app}\annotator.exe
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the bundle as a whole (files an older version had must not linger)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\annotator-{#AppVersion}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{autoprograms}\annotator"; Filename: "{app}\annotator.exe"
Name: "{autodesktop}\annotator"; Filename: "{app}\annotator.exe"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Software\Classes\.annotator"; ValueType: string; ValueName: ""; ValueData: "annotator.project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\annotator.project"; ValueType: string; ValueName: ""; ValueData: "annotator project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\annotator.project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\annotator.exe,0"
Root: HKA; Subkey: "Software\Classes\annotator.project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\annotator.exe"" ""%1"""

[Run]
Filename: "{app}\annotator.exe"; Description: "Start annotator"; Flags: nowait postinstall skipifsilent
