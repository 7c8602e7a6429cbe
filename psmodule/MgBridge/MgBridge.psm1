# Loads the module's functions; nothing here starts Python (the first call does).
# Windows PowerShell 5.1 gets a message naming what to use instead, before any file it cannot parse.
. "$PSScriptRoot/Private/AssertSupportedPowerShell.ps1"
AssertSupportedPowerShell -VersionTable $PSVersionTable

# The file list comes from .NET rather than Get-ChildItem, whose first use in a session costs more
# than the loading itself.
foreach ($folder in 'Private', 'Public', 'Generated') {
    foreach ($file in [System.IO.Directory]::GetFiles("$PSScriptRoot/$folder", '*.ps1')) {
        . $file
    }
}
