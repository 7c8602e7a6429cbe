# Drop-in for the Microsoft Graph PowerShell SDK module of this name. With psmodule/compat first
# on PSModulePath, an unchanged script's `Import-Module Microsoft.Graph.Authentication`
# (or #Requires -Modules) loads mgbridge and gets its sign-in and environment commands.
# ModuleVersion follows the SDK's 2.x line, so version checks written for the SDK pass.
@{
    ModuleVersion        = '2.35.0'
    GUID                 = 'a7f3c1de-5b2e-4f0a-9c61-3d8e2b7a4f10'
    Author               = 'mgbridge developers'
    Description          = 'mgbridge drop-in for Microsoft.Graph.Authentication: the sign-in and environment commands, run by the mgbridge Python core.'
    # Needs PowerShell 7.4+, but declares 5.1: Windows PowerShell must reach MgBridge.psm1, which
    # refuses it with a message naming what to use instead (a manifest's refusal names neither).
    PowerShellVersion    = '5.1'
    NestedModules        = @('../../MgBridge/MgBridge.psd1')
    FunctionsToExport    = @(
        'Connect-MgGraph'
        'Disconnect-MgGraph'
        'Get-MgContext'
        'Get-MgEnvironment'
        'Add-MgEnvironment'
        'Get-MgRequestContext'
        'Set-MgRequestContext'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('MicrosoftGraph', 'Teams', 'Calls', 'mgbridge')
        }
    }
}
