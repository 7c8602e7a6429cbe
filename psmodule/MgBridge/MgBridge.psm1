# Loads the module's functions; nothing here starts Python (the first call does).

# Windows PowerShell 5.1 (which the manifests let in for this) and PowerShell before 7.4 stop here,
# with what to use instead, before any file they could not parse. Inline: a function call would
# double the cost of this check at import.
if ($PSVersionTable.PSEdition -ne 'Core' -or $PSVersionTable.PSVersion.Major -lt 7 -or
    ($PSVersionTable.PSVersion.Major -eq 7 -and $PSVersionTable.PSVersion.Minor -lt 4)) {
    $running = if ($PSVersionTable.PSEdition -eq 'Core') { 'PowerShell' } else { 'Windows PowerShell (powershell.exe)' }
    throw [System.NotSupportedException]::new(
        "mgbridge needs PowerShell 7.4 or newer (pwsh); this is $running $($PSVersionTable.PSVersion). " +
        'Install PowerShell 7 (winget install Microsoft.PowerShell, or https://aka.ms/powershell), ' +
        'then run the script with pwsh; both can be installed side by side.')
}

# The file list comes from .NET rather than Get-ChildItem, whose first use in a session costs more
# than the loading itself.
foreach ($folder in 'Private', 'Public', 'Generated') {
    foreach ($file in [System.IO.Directory]::GetFiles("$PSScriptRoot/$folder", '*.ps1')) {
        . $file
    }
}
