function Get-MgEnvironment {
    <#
    .SYNOPSIS
    Gets the clouds Connect-MgGraph can sign in to: Global, USGov, USGovDoD, China, Sandbox and added ones.
    .DESCRIPTION
    The mgbridge drop-in for the SDK's Get-MgEnvironment. Sandbox is the local simulator started by
    Start-MgBridgeSandbox; its endpoints are those of the running sandbox.
    .EXAMPLE
    Get-MgEnvironment

    Lists every environment with its Graph and sign-in endpoints.
    .EXAMPLE
    Get-MgEnvironment -Name USGov

    Gets one environment; the name is not case-sensitive.
    .LINK
    Add-MgEnvironment
    .LINK
    Connect-MgGraph
    #>
    [CmdletBinding()]
    [OutputType('Microsoft.Graph.PowerShell.Authentication.GraphEnvironment')]
    param(
        # The environment's name.
        [Parameter(Position = 0)]
        [string] $Name
    )

    $environments = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'environments' -Namespace 'Microsoft.Graph.PowerShell.Authentication.Cmdlets'
    foreach ($environment in $environments) {
        if (-not $Name -or $environment.Name -eq $Name) {
            $environment.psobject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Authentication.GraphEnvironment')
            $environment
        }
    }
}
