<#
Where the in-process cmdlet's time goes: each layer of one Invoke-MgBetaInviteCommunicationCallParticipant
call, timed alone with a Stopwatch in the module's own scope, in rounds like the other figures.
Writes name -> samples (ns) to -OutFile.
#>
param(
    [int] $Rounds = 500,
    [int] $Warmup = 200,
    [Parameter(Mandatory)] [string] $BodyJson,
    [Parameter(Mandatory)] [string] $OutFile
)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

Import-Module MgBridge
$module = Get-Module MgBridge
$state = Get-BenchState
Remove-Item Env:MGBRIDGE_TRANSPORT -ErrorAction Ignore
Connect-MgGraph -Environment Sandbox -NoWelcome
$call = New-BenchCall $state
$params = New-BenchParams

$slices = & $module {
    param($call, $params, $Rounds, $Warmup, $measure)
    # These reach the module's private functions, whose parameters may change: a slice that
    # fails once is left out (and named in the output) instead of failing the figure.
    $convert = @{ InputObject = $params; Path = 'BodyParameter' }
    if ((Get-Command ConvertToBridgeValue).Parameters.ContainsKey('Refusal')) {
        $refusal = $null
        $convert['Refusal'] = [ref]$refusal
    }
    $converted = ConvertToBridgeValue @convert
    $arguments = [ordered]@{ api_version = 'beta'; call_id = $call; body = $converted }
    $request = [ordered]@{ op = 'invite'; args = $arguments; env = (GetBridgeEnvironment) } | ConvertTo-Json -Depth 100 -Compress
    $noop = [ordered]@{ op = 'hosting_info'; args = @{}; env = (GetBridgeEnvironment) } | ConvertTo-Json -Depth 100 -Compress
    $replyJson = [MgBridge.Host.PythonHost]::Begin($request).Reply
    $env = GetBridgeEnvironment
    $all = [ordered]@{
        'cmdlet (whole)'                        = { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call -BodyParameter $params }
        'InvokeBridge invite (whole boundary)'  = { InvokeBridge -Operation invite -Arguments ([ordered]@{ api_version = 'beta'; call_id = $call; body = $converted }) }
        'PythonHost.Begin(invite).Reply (raw)'  = { [MgBridge.Host.PythonHost]::Begin($request).Reply }
        'PythonHost.Begin(no-op).Reply (raw)'   = { [MgBridge.Host.PythonHost]::Begin($noop).Reply }
        'ConvertToBridgeValue body'             = { ConvertToBridgeValue @convert }
        'GetBridgeEnvironment'                  = { GetBridgeEnvironment }
        'SelectBridgeTransport'                 = { SelectBridgeTransport }
        'request ConvertTo-Json'                = { [ordered]@{ op = 'invite'; args = $arguments; env = $env } | ConvertTo-Json -Depth 100 -Compress }
        'reply ConvertFrom-Json'                = { $replyJson | ConvertFrom-Json }
        'ConvertFromBridgeView'                 = { ConvertFromBridgeView -View ($replyJson | ConvertFrom-Json).result.view -TypeName 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation' }
        'harness (empty block)'                 = { }
    }
    $usable = [ordered]@{}
    $skipped = [ordered]@{}
    foreach ($name in $all.Keys) {
        try { $null = & $all[$name]; $usable[$name] = $all[$name] } catch { $skipped[$name] = "$_" }
    }
    [ordered]@{
        slices  = & $measure -Rounds $Rounds -Warmup $Warmup -Contenders $usable
        skipped = $skipped
    }
} $call $params $Rounds $Warmup ${function:Measure-BenchRounds}

Save-BenchResult -Path $OutFile -Result $slices
