# Connect-MgGraph and friends against a real sandbox: every app-only parameter set, the
# certificate store, the SDK's outputs and errors, environments; no secret in any stream.
# One fresh pwsh with its own HOME, so the CurrentUser\My store, the environments file and the
# token cache it writes are its own.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '..' 'SandboxHelpers.psm1') -Force
    $script:Sandbox = Start-TestSandbox
    $script:CallId = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'calls' -Body @{}).id
    $script:Token = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'tokens' -Body @{}).access_token
    $script:UserHome = Join-Path $script:Sandbox.Folder 'home'
    $null = New-Item -ItemType Directory -Path $script:UserHome

    $scenarios = @'
$ErrorActionPreference = 'Stop'
Import-Module '<MANIFEST>'
$state = Get-Content -Raw -LiteralPath $env:MGBRIDGE_SANDBOX_STATE | ConvertFrom-Json
$results = [ordered]@{}

function Invoke-Scenario([string] $name, [scriptblock] $action) {
    try {
        $out = @(& $action)
        $context = Get-MgContext
        $results[$name] = [ordered]@{
            ok = $true; output = @($out | ForEach-Object { if ($_ -is [string]) { $_ } else { $_ | ConvertTo-Json -Compress } })
            types = @($out | ForEach-Object { $_.psobject.TypeNames[0] })
            context = $context; contextType = if ($context) { $context.psobject.TypeNames[0] }
        }
    } catch {
        $results[$name] = [ordered]@{
            ok = $false; fqid = $_.FullyQualifiedErrorId; message = $_.Exception.Message; category = "$($_.CategoryInfo.Category)"
        }
    }
}
function Test-Invite {
    $operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId '<CALLID>' -BodyParameter @{
        Participants = @(@{ Identity = @{ User = @{ Id = [guid]::NewGuid().ToString() } } })
    }
    "invited $($operation.Status)"
}

$pfx = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($state.certificate_pfx_file, $state.certificate_password,
    [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]'Exportable, PersistKeySet')
$store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
$store.Open('ReadWrite'); $store.Add($pfx); $store.Dispose()

Invoke-Scenario 'sandbox' { Connect-MgGraph -Environment Sandbox }
Invoke-Scenario 'disconnect' { Disconnect-MgGraph }
Invoke-Scenario 'disconnect-again' { Disconnect-MgGraph }
Invoke-Scenario 'disconnect-again-continue' {
    Disconnect-MgGraph -ErrorAction SilentlyContinue -ErrorVariable captured
    "errors $($captured.Count): $($captured[0].CategoryInfo.Category)"
}
Invoke-Scenario 'secret' {
    $secret = ConvertTo-SecureString -String $state.client_secret -AsPlainText
    # -Debug: the sign-in exchange goes to the output too, where the secret must not appear.
    Connect-MgGraph -Environment Sandbox -TenantId $state.tenant_id -ClientSecretCredential ([pscredential]::new($state.client_id, $secret)) -NoWelcome -Debug
    Test-Invite
}
Invoke-Scenario 'wrong-secret' {
    $secret = ConvertTo-SecureString -String 'not-the-secret-0123456789' -AsPlainText
    Connect-MgGraph -Environment Sandbox -TenantId $state.tenant_id -ClientSecretCredential ([pscredential]::new($state.client_id, $secret)) -NoWelcome
}
Invoke-Scenario 'thumbprint' {
    Connect-MgGraph -Environment Sandbox -ClientId $state.client_id -TenantId $state.tenant_id -CertificateThumbprint $pfx.Thumbprint -NoWelcome
    Test-Invite
}
Invoke-Scenario 'subject' {
    Connect-MgGraph -Environment Sandbox -ClientId $state.client_id -TenantId $state.tenant_id -CertificateSubjectName $pfx.Subject -NoWelcome
    Test-Invite
}
Invoke-Scenario 'certificate' {
    Connect-MgGraph -Environment Sandbox -ClientId $state.client_id -TenantId $state.tenant_id -Certificate $pfx -NoWelcome
    Test-Invite
}
Invoke-Scenario 'thumbprint-unknown' {
    Connect-MgGraph -Environment Sandbox -ClientId $state.client_id -TenantId $state.tenant_id -CertificateThumbprint '00112233445566778899AABBCCDDEEFF00112233' -NoWelcome
}
Invoke-Scenario 'access-token' {
    Connect-MgGraph -Environment Sandbox -AccessToken (ConvertTo-SecureString -String '<TOKEN>' -AsPlainText) -NoWelcome
    Test-Invite
}
Invoke-Scenario 'environment-variable' {
    $env:AZURE_CLIENT_ID = $state.client_id; $env:AZURE_TENANT_ID = $state.tenant_id; $env:AZURE_CLIENT_SECRET = $state.client_secret
    try { Connect-MgGraph -Environment Sandbox -EnvironmentVariable -NoWelcome } finally { $env:AZURE_CLIENT_SECRET = $null }
    Test-Invite
}
Invoke-Scenario 'managed-identity' {
    $env:IDENTITY_ENDPOINT = $state.managed_identity_endpoint; $env:IDENTITY_HEADER = $state.managed_identity_header
    try { Connect-MgGraph -Environment Sandbox -Identity -ClientId $state.managed_identity_client_id -NoWelcome } finally { $env:IDENTITY_HEADER = $null }
    Test-Invite
}
Invoke-Scenario 'no-role' {
    $secret = ConvertTo-SecureString -String $state.no_role_client_secret -AsPlainText
    $lines = Connect-MgGraph -Environment Sandbox -TenantId $state.tenant_id -ClientSecretCredential ([pscredential]::new($state.no_role_client_id, $secret)) -NoWelcome 3>&1
    $lines | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object { "warning: $($_.Message)" }
    try { Test-Invite } catch { "invite: $($_.FullyQualifiedErrorId)" }
}
Invoke-Scenario 'scopes' { Connect-MgGraph -Scopes 'Calls.InitiateGroupCall.All' }
Invoke-Scenario 'device-code' { Connect-MgGraph -UseDeviceCode -Environment Sandbox }
Invoke-Scenario 'environments' { Get-MgEnvironment }
Invoke-Scenario 'environment-by-name' { Get-MgEnvironment -Name usgov }
Invoke-Scenario 'add-environment' {
    Add-MgEnvironment -Name Contoso -GraphEndpoint 'https://graph.contoso.test' -AzureADEndpoint 'https://login.contoso.test'
    Get-MgEnvironment -Name Contoso
}
'JSON:' + (ConvertTo-Json -InputObject $results -Depth 10 -Compress)
'@
    $scenarios = $scenarios.Replace('<MANIFEST>', (Get-ModuleManifestPath)).Replace('<CALLID>', $script:CallId).Replace('<TOKEN>', $script:Token)
    $script:Run = Invoke-FreshPwsh -Script $scenarios -Environment @{
        HOME = $script:UserHome; XDG_CONFIG_HOME = $null; MGBRIDGE_SANDBOX_STATE = $script:Sandbox.StateFile
    }
    $line = $script:Run.Output -split "`n" | Where-Object { $_.StartsWith('JSON:') } | Select-Object -First 1
    if (-not $line) { throw "The scenarios did not finish. Output: $($script:Run.Output) Errors: $($script:Run.Errors)" }
    $script:Results = $line.Substring(5) | ConvertFrom-Json -AsHashtable
}

AfterAll {
    Stop-TestSandbox -Sandbox $script:Sandbox
}

Describe 'Connect-MgGraph' {
    It 'connects to the running sandbox with -Environment Sandbox alone, and welcomes as the SDK does' {
        $result = $script:Results['sandbox']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.output[0] | Should -Match '^Welcome to Microsoft Graph!'
        $result.output[0] | Should -Match ([regex]::Escape("Connected via apponly access using $($script:Sandbox.client_id)"))
        $result.output[0] | Should -Match 'NOTE: You can use the -NoWelcome parameter to suppress this message.'
        $result.contextType | Should -Be 'Microsoft.Graph.PowerShell.Authentication.AuthContext'
        $result.context.Environment | Should -Be 'Sandbox'
        $result.context.AuthType | Should -Be 'AppOnly'
        $result.context.TenantId | Should -Be $script:Sandbox.tenant_id
    }

    It 'signs in with <Scenario> and invites' -TestCases @(
        @{ Scenario = 'secret'; Credential = 'ClientSecret' }
        @{ Scenario = 'thumbprint'; Credential = 'ClientCertificate' }
        @{ Scenario = 'subject'; Credential = 'ClientCertificate' }
        @{ Scenario = 'certificate'; Credential = 'ClientCertificate' }
        @{ Scenario = 'access-token'; Credential = 'UserProvidedAccessToken' }
        @{ Scenario = 'environment-variable'; Credential = 'EnvironmentVariable' }
        @{ Scenario = 'managed-identity'; Credential = 'ManagedIdentity' }
    ) {
        param($Scenario, $Credential)
        $result = $script:Results[$Scenario]
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.output | Should -Be 'invited Running'
        $result.context.TokenCredentialType | Should -Be $Credential
    }

    It 'reports the certificate thumbprint of a certificate sign-in' {
        $script:Results['thumbprint'].context.CertificateThumbprint | Should -Be $script:Sandbox.certificate_thumbprint
    }

    It 'warns when the application lacks the calls permission, and the invite is refused' {
        $result = $script:Results['no-role']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.output[0] | Should -Match '^warning: .*Calls\.InitiateGroupCall\.All'
        $result.output[-1] | Should -Match '^invite: [^,]+,Microsoft\.Graph\.Beta\.PowerShell\.Cmdlets\.InvokeMgBetaInviteCommunicationCallParticipant_Invite$'
    }

    It 'stops with an authentication error for a wrong secret, without showing it' {
        $result = $script:Results['wrong-secret']
        $result.ok | Should -BeFalse
        $result.category | Should -Be 'AuthenticationError'
        $result.fqid | Should -Match 'Microsoft\.Graph\.PowerShell\.Authentication\.Cmdlets\.ConnectMgGraph$'
        $result.message | Should -Not -Match 'not-the-secret'
    }

    It 'names the store when no certificate has the thumbprint' {
        $result = $script:Results['thumbprint-unknown']
        $result.ok | Should -BeFalse
        $result.category | Should -Be 'ObjectNotFound'
        $result.message | Should -Match 'CurrentUser\\My'
    }

    It 'refuses delegated sign-in (<Scenario>): the API has no delegated permission' -TestCases @(
        @{ Scenario = 'scopes' }, @{ Scenario = 'device-code' }
    ) {
        param($Scenario)
        $result = $script:Results[$Scenario]
        $result.ok | Should -BeFalse
        $result.message | Should -Match 'Delegated sign-in is not available'
        $result.fqid | Should -Be 'DelegatedSignInNotSupported,Microsoft.Graph.PowerShell.Authentication.Cmdlets.ConnectMgGraph'
    }

    It 'never shows a secret or a token in any stream' {
        foreach ($secret in $script:Sandbox.client_secret, $script:Token) {
            $script:Run.Output | Should -Not -Match ([regex]::Escape($secret))
            $script:Run.Errors | Should -Not -Match ([regex]::Escape($secret))
        }
        $script:Run.Output | Should -Not -Match 'BEGIN PRIVATE KEY'
    }
}

Describe 'Disconnect-MgGraph and Get-MgContext' {
    It 'writes the closed context, then nothing is connected' {
        $result = $script:Results['disconnect']
        $result.ok | Should -BeTrue
        $result.types | Should -Be 'Microsoft.Graph.PowerShell.Authentication.AuthContext'
        ($result.output[0] | ConvertFrom-Json).ClientId | Should -Be $script:Sandbox.client_id
        $result.context | Should -BeNullOrEmpty
    }

    It 'writes the SDK''s non-terminating error when nothing is connected' {
        $script:Results['disconnect-again'].message | Should -BeExactly 'No application to sign out from.'
        $script:Results['disconnect-again'].category | Should -Be 'CloseError'
        $script:Results['disconnect-again-continue'].output | Should -Be 'errors 1: CloseError'
    }
}

Describe 'Get-MgEnvironment and Add-MgEnvironment' {
    It 'lists the clouds, the sandbox among them' {
        $names = $script:Results['environments'].output | ForEach-Object { ($_ | ConvertFrom-Json).Name }
        foreach ($name in 'Global', 'USGov', 'USGovDoD', 'China', 'Sandbox') { $names | Should -Contain $name }
        $script:Results['environments'].types | Select-Object -Unique | Should -Be 'Microsoft.Graph.PowerShell.Authentication.GraphEnvironment'
    }

    It 'finds one by name, whatever its case' {
        $script:Results['environment-by-name'].output | Should -HaveCount 1
        ($script:Results['environment-by-name'].output[0] | ConvertFrom-Json).GraphEndpoint | Should -Be 'https://graph.microsoft.us'
    }

    It 'adds one' {
        $result = $script:Results['add-environment']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.output | Should -HaveCount 2
        ($result.output[1] | ConvertFrom-Json).AzureADEndpoint | Should -Be 'https://login.contoso.test'
    }
}
