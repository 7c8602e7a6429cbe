function Add-MgEnvironment {
    <#
    .SYNOPSIS
    Adds a cloud that Connect-MgGraph -Environment can sign in to, for this process.
    .DESCRIPTION
    The mgbridge drop-in for the SDK's Add-MgEnvironment: a name, a Graph endpoint and an Entra ID
    (Azure AD) sign-in endpoint. Both must be https URLs.
    .EXAMPLE
    Add-MgEnvironment -Name Contoso -GraphEndpoint https://graph.contoso.test -AzureADEndpoint https://login.contoso.test
    Connect-MgGraph -Environment Contoso -ClientId $appId -TenantId $tenantId -CertificateThumbprint $thumbprint

    Adds an environment and signs in to it.
    .LINK
    Get-MgEnvironment
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('Microsoft.Graph.PowerShell.Authentication.GraphEnvironment')]
    param(
        # The environment's name.
        [Parameter(Mandatory)]
        [string] $Name,

        # The Entra ID (Azure AD) sign-in endpoint, e.g. https://login.microsoftonline.com.
        [Parameter(Mandatory)]
        [string] $AzureADEndpoint,

        # The Graph endpoint, e.g. https://graph.microsoft.com.
        [Parameter(Mandatory)]
        [string] $GraphEndpoint
    )

    if ($PSCmdlet.ShouldProcess($Name, 'Add environment')) {
        $arguments = [ordered]@{ name = $Name; graph_endpoint = $GraphEndpoint; login_endpoint = $AzureADEndpoint }
        $environment = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'add_environment' -Arguments $arguments `
            -Namespace 'Microsoft.Graph.PowerShell.Authentication.Cmdlets'
        $environment.psobject.TypeNames.Insert(0, 'Microsoft.Graph.PowerShell.Authentication.GraphEnvironment')
        $environment
    }
}
