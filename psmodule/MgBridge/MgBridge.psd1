@{
    RootModule           = 'MgBridge.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f3a52-7f0e-4d3c-9a51-2f6f1f7c8e10'
    Author               = 'mgbridge developers'
    Description          = 'Microsoft Graph call-participant invites through a light Python core hosted in-process; a drop-in for the Microsoft Graph PowerShell SDK cmdlets.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @(
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
