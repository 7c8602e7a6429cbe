function Get-MgContext {
    <#
    .SYNOPSIS
    Gets the current Graph connection: application, tenant, sign-in type, cloud. Nothing when not connected.
    .DESCRIPTION
    The mgbridge drop-in for the SDK's Get-MgContext. The context holds no secret.
    .EXAMPLE
    if (-not (Get-MgContext)) { Connect-MgGraph -Environment Sandbox -NoWelcome }

    Connects only when no connection exists yet.
    .EXAMPLE
    (Get-MgContext).Environment

    The cloud the connection signs in to.
    .LINK
    Connect-MgGraph
    #>
    [CmdletBinding()]
    [OutputType('Microsoft.Graph.PowerShell.Authentication.AuthContext')]
    param()

    $context = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'context' -Namespace 'Microsoft.Graph.PowerShell.Authentication.Cmdlets'
    if ($context) {
        $context.psobject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Authentication.AuthContext')
        $context
    }
}
