# Helpers shared by the benchmark scripts (dot-sourced). They reach the sandbox directly with
# Invoke-RestMethod, independent of the module under test. -SkipCertificateCheck is used on
# loopback only: Invoke-RestMethod cannot trust the sandbox's own CA on Linux without changing
# the system's trust store.

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Get-BenchState {
    Get-Content -LiteralPath $env:MGBRIDGE_SANDBOX_STATE -Raw | ConvertFrom-Json
}

function Get-BenchToken($State) {
    $form = @{
        grant_type = 'client_credentials'; client_id = $State.client_id
        client_secret = $State.client_secret; scope = $State.scope
    }
    (Invoke-RestMethod -Method Post -Uri $State.token_endpoint -Body $form -SkipCertificateCheck).access_token
}

function New-BenchCall($State) {
    (Invoke-RestMethod -Method Post -Uri "$($State.admin)/calls" -Body '{}' -ContentType 'application/json' -SkipCertificateCheck).id
}

function Get-BenchInviteCount($State) {
    (Invoke-RestMethod -Uri "$($State.admin)/stats" -SkipCertificateCheck).invites.accepted
}

# The body as a script written for the SDK holds it (the help page's first example, without
# ReplacesCallId): the bridge puts exactly $BodyJson on the wire for it.
function New-BenchParams {
    @{
        Participants  = @(
            @{
                '@odata.type' = '#microsoft.graph.invitationParticipantInfo'
                Identity      = @{
                    '@odata.type' = '#microsoft.graph.identitySet'
                    User          = @{
                        '@odata.type'    = '#microsoft.graph.identity'
                        Id               = '278405a3-f568-4b3e-b684-009193463064'
                        IdentityProvider = 'AAD'
                    }
                }
            }
        )
        ClientContext = 'f2fa86af-3c51-4bc2-8fc0-475452d9764f'
    }
}

# Runs the contenders (name -> scriptblock) in rounds, rotating which one goes first, and
# returns name -> [long[]] nanoseconds (warm-up rounds dropped). Each scriptblock's output is
# discarded; a contender's set-up and tear-down (e.g. switching the transport) go in
# $Before/$After, outside the timed part.
function Measure-BenchRounds {
    param(
        [System.Collections.Specialized.OrderedDictionary] $Contenders,
        [int] $Rounds,
        [int] $Warmup,
        [hashtable] $Before = @{},
        [hashtable] $After = @{}
    )
    $names = @($Contenders.Keys)
    $samples = [ordered]@{}
    foreach ($name in $names) { $samples[$name] = [System.Collections.Generic.List[long]]::new($Rounds) }
    $toNs = 1e9 / [System.Diagnostics.Stopwatch]::Frequency
    for ($round = 0; $round -lt $Warmup + $Rounds; $round++) {
        for ($k = 0; $k -lt $names.Count; $k++) {
            $name = $names[($round + $k) % $names.Count]
            $block = $Contenders[$name]
            if ($Before.ContainsKey($name)) { & $Before[$name] }
            $start = [System.Diagnostics.Stopwatch]::GetTimestamp()
            $null = & $block
            $elapsed = [System.Diagnostics.Stopwatch]::GetTimestamp() - $start
            if ($After.ContainsKey($name)) { & $After[$name] }
            if ($round -ge $Warmup) { $samples[$name].Add([long]($elapsed * $toNs)) }
        }
    }
    $result = [ordered]@{}
    foreach ($name in $names) { $result[$name] = $samples[$name].ToArray() }
    $result
}

function Get-BenchWorkingSet {
    [System.GC]::Collect()
    [System.GC]::WaitForPendingFinalizers()
    [System.GC]::Collect()
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()
    $process.WorkingSet64
}

function Save-BenchResult($Result, [string] $Path) {
    $Result | ConvertTo-Json -Depth 10 -Compress | Set-Content -LiteralPath $Path -Encoding utf8NoBOM
}
