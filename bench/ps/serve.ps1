<#
One contender of a side-by-side figure, kept running in its own pwsh while bench/run.py drives it
(the SDK's module and mgbridge export the same command names, so they cannot share a process).
It imports its module (timed), connects to the sandbox, creates its own call, and checks one
invite; then it answers one command per line on stdin, one JSON line on stdout ("@@ " first):

  run N    N rounds, timed one by one: in -Mode invite one invite per round; in -Mode layers
           (mgbridge only) every slice of the invite path once per round, rotating which goes
           first: the same slices as before plus the Python side measured inside Python
  quit     the number of invites this process sent, then exit

  -Contender mgbridge   Import-Module MgBridge (from PSModulePath), Connect-MgGraph -Environment Sandbox
  -Contender genuine    the SDK's own Microsoft.Graph.Beta.CloudCommunications from -GenuineModules,
                        through /work/shared/genuine-sdk/setup-genuine.ps1 (or -GenuineSetup)
Both invite with the same SDK-style hashtable (New-BenchParams).
#>
param(
    [Parameter(Mandatory)] [ValidateSet('mgbridge', 'genuine')] [string] $Contender,
    [ValidateSet('invite', 'layers')] [string] $Mode = 'invite',
    [string] $GenuineModules,
    [string] $GenuineSetup
)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

function Send-BenchMessage($Message) {
    [Console]::Out.WriteLine('@@ ' + ($Message | ConvertTo-Json -Depth 10 -Compress))
    [Console]::Out.Flush()
}

$toNs = 1e9 / [System.Diagnostics.Stopwatch]::Frequency
$state = Get-BenchState
if ($Contender -eq 'genuine') {
    # setup-genuine.ps1 imports the module (its Stopwatch: $global:ImportMs) and points the
    # generated cmdlets at the sandbox with a -HttpPipelinePrepend step.
    . $GenuineSetup -StatePath $env:MGBRIDGE_SANDBOX_STATE -ModulesDir $GenuineModules
    $importNs = [long]($global:ImportMs * 1e6)
} else {
    Remove-Item Env:MGBRIDGE_TRANSPORT -ErrorAction Ignore
    $start = [System.Diagnostics.Stopwatch]::GetTimestamp()
    Import-Module MgBridge
    $importNs = [long](([System.Diagnostics.Stopwatch]::GetTimestamp() - $start) * $toNs)
    Connect-MgGraph -Environment Sandbox -NoWelcome
}
$module = Get-Module Microsoft.Graph.Beta.CloudCommunications, MgBridge | Select-Object -First 1
$call = New-BenchCall $state
$params = New-BenchParams
$first = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call -BodyParameter $params
if ($first.Status -ne 'Running' -or $first.psobject.TypeNames[0] -notlike '*.MicrosoftGraphInviteParticipantsOperation') {
    throw "$Contender`: the first invite did not return a running inviteParticipantsOperation ($($first.psobject.TypeNames[0]))"
}
$sent = 1
# The slices that send an invite (the sandbox's count is checked against them).
$sending = 'invite', 'cmdlet (whole)', 'InvokeBridge invite -AsHashtable (whole boundary)', '- host round trip, invite (raw)'

$contenders = [ordered]@{ invite = { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call -BodyParameter $params } }
$python = $null
$layers = $null
if ($Mode -eq 'layers') {
    if ($Contender -ne 'mgbridge') { throw '-Mode layers is for mgbridge' }
    # The slices reach the module's private functions, whose parameters may change: a slice
    # that fails once is left out (and named in the reply) instead of failing the figure.
    $layers = & $module {
        param($call, $params, $publicCommand)
        # The slices run later, from the loop below, in the module's scope: what they use lives
        # in its script scope.
        # The public cmdlet's own binding: a function with its parameter block and attributes
        # and an empty body, bound with the same arguments.
        $paramBlock = $publicCommand.ScriptBlock.Ast.Body.ParamBlock
        $attributes = ($paramBlock.Attributes | ForEach-Object { $_.Extent.Text }) -join "`n"
        $text = $paramBlock.Extent.Text
        $parameters = $text.Substring($text.IndexOf('param('))
        $bindingOnly = [scriptblock]::Create($attributes + "`n" + $parameters + ' process { }')
        Set-Item -Path function:script:BenchBindingOnly -Value $bindingOnly
        $script:BenchCall = $call
        $script:BenchParams = $params
        $script:BenchRefusal = $null
        $script:BenchConverted = ConvertToBridgeValue $params 'BodyParameter' ([ref]$script:BenchRefusal)
        $script:BenchArguments = [ordered]@{ api_version = 'beta'; call_id = $call; view_only = $true; body = $script:BenchConverted }
        $script:BenchEnvelope = [ordered]@{ op = 'invite'; args = $script:BenchArguments; env = (GetBridgeEnvironment) }
        $script:BenchContext = [Microsoft.PowerShell.Commands.JsonObject+ConvertToJsonContext]::new(
            100, $false, $true, [Newtonsoft.Json.StringEscapeHandling]::EscapeNonAscii, $null, [System.Threading.CancellationToken]::None)
        $script:BenchRequest = [Microsoft.PowerShell.Commands.JsonObject]::ConvertToJson($script:BenchEnvelope, [ref]$script:BenchContext)
        $script:BenchNoop = [Microsoft.PowerShell.Commands.JsonObject]::ConvertToJson(
            [ordered]@{ op = 'hosting_info'; args = @{}; env = (GetBridgeEnvironment) }, [ref]$script:BenchContext)
        $script:BenchReply = [MgBridge.Host.PythonHost]::Call($script:BenchRequest, $null)
        $script:BenchFailure = $null
        $script:BenchParsed = [Microsoft.PowerShell.Commands.JsonObject]::ConvertFromJson($script:BenchReply, $true, 1024, [ref]$script:BenchFailure)
        $script:BenchTypeName = 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation'
        $slices = [ordered]@{}
        $slices['cmdlet (whole)'] = { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $script:BenchCall -BodyParameter $script:BenchParams }
        $slices['binding of the public cmdlet (empty body)'] = { BenchBindingOnly -CallId $script:BenchCall -BodyParameter $script:BenchParams }
        $slices['body to data ([MgBridge.Host.Values]::ToData)'] = {
            [MgBridge.Host.Values]::ToData($script:BenchParams, 'BodyParameter', [ref]$script:BenchRefusal)
        }
        $slices['InvokeBridge invite -AsHashtable (whole boundary)'] = {
            InvokeBridge invite ([ordered]@{ api_version = 'beta'; call_id = $script:BenchCall; view_only = $true; body = $script:BenchConverted }) -Log -AsHashtable
        }
        $slices['- GetBridgeEnvironment'] = { GetBridgeEnvironment }
        $slices['- request to JSON'] = { [Microsoft.PowerShell.Commands.JsonObject]::ConvertToJson($script:BenchEnvelope, [ref]$script:BenchContext) }
        $slices['- host round trip, invite (raw)'] = { [MgBridge.Host.PythonHost]::Call($script:BenchRequest, $null) }
        $slices['- host round trip, no-op (raw)'] = { [MgBridge.Host.PythonHost]::Call($script:BenchNoop, $null) }
        $slices['- reply from JSON (-AsHashtable)'] = {
            [Microsoft.PowerShell.Commands.JsonObject]::ConvertFromJson($script:BenchReply, $true, 1024, [ref]$script:BenchFailure)
        }
        $slices['output object ([MgBridge.Host.Views]::Present)'] = { [MgBridge.Host.Views]::Present($script:BenchParsed['result']['view'], $script:BenchTypeName) }
        # The script versions of the two walks, which the module uses when the host is not built.
        $slices['(script ConvertToBridgeValue walk, not on this path)'] = {
            $failure = @{ Message = $null }
            ConvertBridgeNode $script:BenchParams 'BodyParameter' 0
        }
        $slices['(script ConvertFromBridgeView + its ConvertFrom-Json, not on this path)'] = {
            $view = [Microsoft.PowerShell.Commands.JsonObject]::ConvertFromJson($script:BenchReply, [ref]$script:BenchFailure).result.view
            ConvertFromBridgeView -View $view -TypeName $script:BenchTypeName
        }
        $slices['harness (empty block)'] = { }
        $usable = [ordered]@{}
        $skipped = [ordered]@{}
        foreach ($name in $slices.Keys) {
            try { $null = & $slices[$name]; $usable[$name] = $slices[$name] } catch { $skipped[$name] = "$_" }
        }
        [ordered]@{ slices = $usable; skipped = $skipped; request = $script:BenchRequest }
    } $call $params (Get-Command Invoke-MgBetaInviteCommunicationCallParticipant -Module MgBridge)
    $contenders = $layers.slices
    # Set-up sent one invite, and each slice ran once to see that it works.
    $sent += 1 + @($contenders.Keys | Where-Object { $_ -in $sending }).Count
    # The Python side alone, timed inside Python on this thread (no hand-off, no PowerShell):
    # the dispatch of the same invite request, and session.invite with the shaped arguments.
    $python = [System.IO.Path]::GetTempFileName()
    $pythonCode = @"
import json, time
from bridge import _entry

def bench_python(request_json, rounds, out_path):
    request = json.loads(request_json)
    args = request['args']
    session = _entry._current_session()
    clock = time.perf_counter_ns
    samples = {'Python: _entry.dispatch(invite), same thread': [], 'Python: session.invite only': []}
    for _ in range(rounds):
        start = clock()
        _entry.dispatch(request_json)
        samples['Python: _entry.dispatch(invite), same thread'].append(clock() - start)
        start = clock()
        session.invite(args['call_id'], body=args['body'], api_version=args['api_version'])
        samples['Python: session.invite only'].append(clock() - start)
    with open(out_path, 'w') as out:
        json.dump(samples, out)
"@
}

Send-BenchMessage ([ordered]@{ ready = $true; contender = $Contender; import_ns = $importNs; pid = $PID; skipped = $(if ($layers) { $layers.skipped } else { @{} }) })

$names = @($contenders.Keys)
$rotation = 0
while ($true) {
    $line = [Console]::In.ReadLine()
    if ($null -eq $line -or $line -eq 'quit') { break }
    $count = [int]($line -replace '^run\s+', '')
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $cpuBefore = $process.TotalProcessorTime
    $samples = [ordered]@{}
    foreach ($name in $names) { $samples[$name] = [System.Collections.Generic.List[long]]::new($count) }
    for ($round = 0; $round -lt $count; $round++) {
        for ($k = 0; $k -lt $names.Count; $k++) {
            $name = $names[($rotation + $k) % $names.Count]
            $block = $contenders[$name]
            $start = [System.Diagnostics.Stopwatch]::GetTimestamp()
            $null = & $block
            $elapsed = [System.Diagnostics.Stopwatch]::GetTimestamp() - $start
            $samples[$name].Add([long]($elapsed * $toNs))
        }
        $rotation++
    }
    $process.Refresh()
    $cpuNs = [long](($process.TotalProcessorTime - $cpuBefore).Ticks * 100)
    $result = [ordered]@{}
    foreach ($name in $samples.Keys) { $result[$name] = $samples[$name].ToArray() }
    $sent += $count * @($names | Where-Object { $_ -in $sending }).Count
    if ($python) {
        $gil = [Python.Runtime.Py]::GIL()
        try {
            $statement = "bench_python($(ConvertTo-Json -InputObject $layers.request -Compress), $count, $(ConvertTo-Json -InputObject $python -Compress))"
            [Python.Runtime.PythonEngine]::Exec("$pythonCode`n$statement")
        } finally { $gil.Dispose() }
        $inPython = Get-Content -LiteralPath $python -Raw | ConvertFrom-Json
        foreach ($property in $inPython.psobject.Properties) { $result[$property.Name] = [long[]]$property.Value }
        $sent += 2 * $count
    }
    Send-BenchMessage ([ordered]@{ samples = $result; cpu_ns = $cpuNs })
}
if ($python) { Remove-Item -LiteralPath $python -ErrorAction Ignore }
Send-BenchMessage ([ordered]@{ sent = $sent })
