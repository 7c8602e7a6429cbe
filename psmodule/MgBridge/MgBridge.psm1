# Loads the module's functions; nothing here starts Python (the first call does). The file list
# comes from .NET rather than Get-ChildItem, whose first use in a session costs more than the
# loading itself.
foreach ($folder in 'Private', 'Public', 'Generated') {
    foreach ($file in [System.IO.Directory]::GetFiles("$PSScriptRoot/$folder", '*.ps1')) {
        . $file
    }
}
