# Drop-in for the Microsoft Graph PowerShell SDK module of this name. With psmodule/compat first
# on PSModulePath, an unchanged script's `Import-Module Microsoft.Graph.Beta.CloudCommunications`
# (or #Requires -Modules) loads mgbridge and gets its beta participant-invite and operation commands.
# ModuleVersion follows the SDK's 2.x line, so version checks written for the SDK pass.
@{
    ModuleVersion        = '2.35.0'
    GUID                 = 'c2e94b7a-1d35-4e8f-a0b6-7f5c9d2e3a81'
    Author               = 'mgbridge developers'
    Description          = 'mgbridge drop-in for Microsoft.Graph.Beta.CloudCommunications: the beta participant-invite and operation commands, run by the mgbridge Python core.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # As in the SDK, the calls modules bring the sign-in commands along. By name, not by relative
    # path: module discovery resolves a required module's NestedModules paths against the current
    # folder, which fails under $ErrorActionPreference = 'Stop'.
    RequiredModules      = @('Microsoft.Graph.Authentication')
    NestedModules        = @('../../MgBridge/MgBridge.psd1')
    FunctionsToExport    = @(
        'Invoke-MgBetaInviteCommunicationCallParticipant'
        'Get-MgBetaCommunicationCallOperation'
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
