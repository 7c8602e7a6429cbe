function GetBridgeEnvironment {
    <#
    .SYNOPSIS
    The environment variables of this PowerShell session that the Python core must see.
    .DESCRIPTION
    On Linux and macOS, $env: changes made inside pwsh never reach CPython's own environment, so
    each request carries them. A variable that is unset here is sent as $null so Python drops it too.
    A plain function: it runs on every call.
    #>
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param()

    $environment = [ordered]@{}
    foreach ($name in $script:BridgeEnvironmentNames) { $environment[$name] = [Environment]::GetEnvironmentVariable($name) }
    # A transcript named relative to this session's location, not to the process's directory.
    if ($environment['MGBRIDGE_RECORD']) {
        $environment['MGBRIDGE_RECORD'] = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($environment['MGBRIDGE_RECORD'])
    }
    $environment
}

# What the core reads from its environment; the CLI-only MGBRIDGE_* secrets are not passed.
$script:BridgeEnvironmentNames = @(
    'SSL_CERT_FILE', 'SSL_CERT_DIR', 'XDG_CONFIG_HOME', 'MGBRIDGE_SANDBOX_STATE', 'MGBRIDGE_UNDECLARED_KEYS', 'MGBRIDGE_RECORD',
    'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH',
    'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER'
    'MGBRIDGE_NULL_STRINGS', 'MGBRIDGE_ABSENT_OBJECTS'
)
