@{
    RootModule           = 'MgBridge.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f3a52-7f0e-4d3c-9a51-2f6f1f7c8e10'
    Author               = 'mgbridge developers'
    Description          = 'Microsoft Graph call-participant invites through a light Python core hosted in-process; a drop-in for the Microsoft Graph PowerShell SDK cmdlets.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('MgBridge.format.ps1xml')
    FunctionsToExport    = @(
        # Microsoft.Graph.Beta.CloudCommunications
        'Invoke-MgBetaInviteCommunicationCallParticipant'
        'Get-MgBetaCommunicationCallOperation'

        # Microsoft.Graph.CloudCommunications
        'Invoke-MgInviteCommunicationCallParticipant'
        'Get-MgCommunicationCallOperation'

        # Microsoft.Graph.Authentication
        'Connect-MgGraph'
        'Disconnect-MgGraph'
        'Get-MgContext'
        'Get-MgEnvironment'
        'Add-MgEnvironment'
        'Get-MgRequestContext'
        'Set-MgRequestContext'

        # mgbridge's own
        'Start-MgBridgeSandbox'
        'Stop-MgBridgeSandbox'
        'Invoke-MgBridgeSandboxRequest'
        'Get-MgBridgeRuntime'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('MicrosoftGraph', 'Teams', 'Calls', 'Python')
        }
    }
}
