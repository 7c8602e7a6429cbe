function Connect-MgGraph {
    <#
    .SYNOPSIS
    Signs in to Microsoft Graph as an application, for the calls cmdlets of this session.
    .DESCRIPTION
    The mgbridge drop-in for the SDK's Connect-MgGraph (module Microsoft.Graph.Authentication),
    with its app-only parameter sets: a certificate (-CertificateThumbprint or
    -CertificateSubjectName from the CurrentUser\My store, or -Certificate), a client secret
    (-ClientSecretCredential), an access token (-AccessToken), a managed identity (-Identity) or
    the AZURE_* environment variables (-EnvironmentVariable). One connection serves the whole
    process (all runspaces), as the SDK's session does.

    Delegated (user) sign-in is refused: the participant-invite API has no delegated permission,
    only the application permissions Calls.InitiateGroupCall.All and Calls.JoinGroupCall.All.

    -Environment Sandbox with no credential connects to the local sandbox started by
    Start-MgBridgeSandbox, as its default application.
    Unless -NoWelcome is given, a welcome text is written to the output, as the SDK does.
    .EXAMPLE
    Connect-MgGraph -ClientId $appId -TenantId $tenantId -CertificateThumbprint 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'

    Signs in with a certificate (and its private key) from the CurrentUser\My store.
    .EXAMPLE
    $credential = Get-Credential -UserName $appId -Message 'Client secret'
    Connect-MgGraph -TenantId $tenantId -ClientSecretCredential $credential -NoWelcome

    Signs in with a client secret: the credential's user name is the application (client) id.
    .EXAMPLE
    Start-MgBridgeSandbox
    Connect-MgGraph -Environment Sandbox

    Connects to the local sandbox, a simulator of Graph's calls API, for trying scripts out.
    .EXAMPLE
    Connect-MgGraph -Identity -ClientId $userAssignedIdentityClientId

    Signs in with a user-assigned managed identity (omit -ClientId for the system-assigned one).
    .LINK
    Disconnect-MgGraph
    .LINK
    Get-MgContext
    .LINK
    https://learn.microsoft.com/graph/api/participant-invite#permissions
    #>
    [CmdletBinding(DefaultParameterSetName = 'UserParameterSet')]
    [OutputType([string])]
    param(
        # Delegated permissions to request: not available for this API (see the description).
        [Parameter(ParameterSetName = 'UserParameterSet', Position = 0)]
        [string[]] $Scopes,

        # The application (client) id; with -Identity, the client id of a user-assigned managed identity.
        [Parameter(ParameterSetName = 'UserParameterSet')]
        [Parameter(ParameterSetName = 'AppCertificateParameterSet', Mandatory, Position = 0)]
        [Parameter(ParameterSetName = 'IdentityParameterSet')]
        [Alias('AppId', 'ApplicationId')]
        [string] $ClientId,

        # The subject name of a certificate in the CurrentUser\My store (CN=... or just the name).
        [Parameter(ParameterSetName = 'AppCertificateParameterSet', Position = 1)]
        [Alias('CertificateSubject', 'CertificateName')]
        [string] $CertificateSubjectName,

        # The thumbprint of a certificate in the CurrentUser\My store.
        [Parameter(ParameterSetName = 'AppCertificateParameterSet', Position = 2)]
        [string] $CertificateThumbprint,

        # A certificate with its private key.
        [Parameter(ParameterSetName = 'AppCertificateParameterSet')]
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Certificate,

        # Send the certificate's chain (x5c) with the sign-in request, for subject name / issuer authentication.
        [Parameter(ParameterSetName = 'AppCertificateParameterSet')]
        [bool] $SendCertificateChain,

        # A client secret: the user name is the application (client) id, the password the secret.
        [Parameter(ParameterSetName = 'AppSecretCredentialParameterSet', Mandatory)]
        [Alias('SecretCredential', 'Credential')]
        [pscredential] $ClientSecretCredential,

        # An access token for Graph, obtained elsewhere.
        [Parameter(ParameterSetName = 'AccessTokenParameterSet', Mandatory, Position = 0)]
        [securestring] $AccessToken,

        # Sign in with the managed identity of the Azure resource this runs on.
        [Parameter(ParameterSetName = 'IdentityParameterSet', Mandatory)]
        [Alias('ManagedIdentity', 'ManagedServiceIdentity', 'MSI')]
        [switch] $Identity,

        # Sign in with the AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET or
        # AZURE_CLIENT_CERTIFICATE_PATH environment variables.
        [Parameter(ParameterSetName = 'EnvironmentVariableParameterSet', Mandatory)]
        [switch] $EnvironmentVariable,

        # The tenant (directory) id or domain.
        [Parameter(ParameterSetName = 'UserParameterSet', Position = 1)]
        [Parameter(ParameterSetName = 'AppCertificateParameterSet')]
        [Parameter(ParameterSetName = 'AppSecretCredentialParameterSet')]
        [Alias('Audience', 'Tenant')]
        [string] $TenantId,

        # Delegated sign-in with a device code: not available for this API.
        [Parameter(ParameterSetName = 'UserParameterSet')]
        [Alias('UseDeviceAuthentication', 'DeviceCode', 'DeviceAuth', 'Device')]
        [switch] $UseDeviceCode,

        # Delegated sign-in hint: not available for this API.
        [Parameter(ParameterSetName = 'UserParameterSet')]
        [string] $LoginHint,

        # Where the connection is kept: Process (this process only) or CurrentUser (reused by
        # later processes of this user).
        [Parameter(ParameterSetName = 'UserParameterSet')]
        [Parameter(ParameterSetName = 'AppCertificateParameterSet')]
        [Parameter(ParameterSetName = 'IdentityParameterSet')]
        [Parameter(ParameterSetName = 'AppSecretCredentialParameterSet')]
        [Parameter(ParameterSetName = 'EnvironmentVariableParameterSet')]
        [ValidateSet('Process', 'CurrentUser')]
        [string] $ContextScope,

        # The cloud: Global (default), USGov, USGovDoD, China, Sandbox, or one added with Add-MgEnvironment.
        [Alias('EnvironmentName', 'NationalCloud')]
        [string] $Environment,

        # Seconds to wait for each Graph response.
        [ValidateRange(1, 86400)]
        [double] $ClientTimeout,

        # Do not write the welcome text.
        [switch] $NoWelcome
    )

    $namespace = 'Microsoft.Graph.PowerShell.Authentication.Cmdlets'
    if ($PSBoundParameters.ContainsKey('Scopes') -or $UseDeviceCode -or $LoginHint) {
        $PSCmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception ([System.NotSupportedException]::new(
                        'Delegated sign-in is not available: the participant-invite API has no delegated permission, only ' +
                        'the application permissions Calls.InitiateGroupCall.All and Calls.JoinGroupCall.All. Sign in as ' +
                        'an application: -ClientId and -TenantId with -CertificateThumbprint, -CertificateSubjectName, ' +
                        '-Certificate or -ClientSecretCredential; or -AccessToken, -Identity or -EnvironmentVariable.')) `
                    -ErrorId 'DelegatedSignInNotSupported' -Category InvalidArgument -CommandName $MyInvocation.MyCommand.Name `
                    -Namespace $namespace))
    }

    $arguments = [ordered]@{}
    if ($Environment) { $arguments['environment'] = $Environment }
    if ($TenantId) { $arguments['tenant_id'] = $TenantId }
    if ($ContextScope) { $arguments['context_scope'] = $ContextScope }
    if ($PSBoundParameters.ContainsKey('ClientTimeout')) { $arguments['timeout'] = $ClientTimeout }
    switch ($PSCmdlet.ParameterSetName) {
        'UserParameterSet' {
            if ($ClientId) { $arguments['client_id'] = $ClientId }
        }
        'AppCertificateParameterSet' {
            $arguments['client_id'] = $ClientId
            $chosen = if ($Certificate) { $Certificate } else {
                try {
                    FindCertificate -Thumbprint $CertificateThumbprint -SubjectName $CertificateSubjectName
                } catch {
                    $PSCmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $_.Exception -ErrorId 'CertificateNotFound' `
                                -Category ObjectNotFound -CommandName $MyInvocation.MyCommand.Name -Namespace $namespace))
                }
            }
            try {
                $arguments['certificate'] = ConvertToPemText -Certificate $chosen
            } catch {
                $PSCmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $_.Exception -ErrorId 'CertificateUnusable' `
                            -Category InvalidArgument -CommandName $MyInvocation.MyCommand.Name -Namespace $namespace))
            }
            if ($PSBoundParameters.ContainsKey('SendCertificateChain')) { $arguments['send_certificate_chain'] = $SendCertificateChain }
        }
        'AppSecretCredentialParameterSet' {
            $arguments['client_id'] = $ClientSecretCredential.UserName
            $arguments['client_secret'] = $ClientSecretCredential.GetNetworkCredential().Password
        }
        'AccessTokenParameterSet' {
            $arguments['access_token'] = ConvertFrom-SecureString -SecureString $AccessToken -AsPlainText
        }
        'IdentityParameterSet' {
            $arguments['managed_identity'] = $true
            if ($ClientId) { $arguments['managed_identity_client_id'] = $ClientId }
        }
        'EnvironmentVariableParameterSet' {
            $arguments['environment_variables'] = $true
        }
    }

    $context = InvokeBridgeCommand -Cmdlet $PSCmdlet -Operation 'connect' -Arguments $arguments -Namespace $namespace
    if (-not $NoWelcome) {
        @(
            'Welcome to Microsoft Graph!'
            "Connected via $("$($context.AuthType)".ToLowerInvariant()) access using $($context.ClientId)"
            'Readme: https://aka.ms/graph/sdk/powershell'
            'SDK Docs: https://aka.ms/graph/sdk/powershell/docs'
            'API Docs: https://aka.ms/graph/docs'
            'NOTE: You can use the -NoWelcome parameter to suppress this message.'
        ) -join [System.Environment]::NewLine
    }
}
