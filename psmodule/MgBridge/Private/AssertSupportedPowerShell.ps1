function AssertSupportedPowerShell {
    <#
    .SYNOPSIS
    Refuses Windows PowerShell 5.1 and PowerShell before 7.4, saying what to use instead.
    .DESCRIPTION
    MgBridge.psm1 runs it before loading anything else, so this file keeps to syntax that
    Windows PowerShell 5.1 parses.
    #>
    [CmdletBinding()]
    param(
        # $PSVersionTable, or a stand-in for it in tests.
        [Parameter(Mandatory)]
        [System.Collections.IDictionary] $VersionTable
    )

    if ($VersionTable['PSEdition'] -eq 'Core' -and $VersionTable['PSVersion'] -ge [version]'7.4') { return }
    $running = if ($VersionTable['PSEdition'] -eq 'Core') { 'PowerShell' } else { 'Windows PowerShell (powershell.exe)' }
    throw [System.NotSupportedException]::new(
        "mgbridge needs PowerShell 7.4 or newer (pwsh); this is $running $($VersionTable['PSVersion']). " +
        'Install PowerShell 7 (winget install Microsoft.PowerShell, or https://aka.ms/powershell), ' +
        'then run the script with pwsh; both can be installed side by side.')
}
