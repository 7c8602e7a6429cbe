# PowerShell side of the reliability runs (reliability/run.py, tests/powershell/Reliability.Tests.ps1):
# invites from runspaces with one outcome each, the bad-input corpus through the cmdlets, and
# process snapshots (threads, memory). Needs the MgBridge module imported in the caller's session.

function New-ValidParticipant {
    <# .SYNOPSIS A participant the sandbox accepts: a new user id each time. #>
    @{ Identity = @{ User = @{ Id = [guid]::NewGuid().ToString() } } }
}

function Get-ProcessSnapshot {
    <# .SYNOPSIS This process's thread count and memory (MB), after a full collection. #>
    [System.GC]::Collect()
    [System.GC]::WaitForPendingFinalizers()
    [System.GC]::Collect()
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()
    $names = @{}
    foreach ($task in Get-ChildItem -LiteralPath "/proc/$PID/task" -ErrorAction Ignore) {
        $name = (Get-Content -LiteralPath (Join-Path $task.FullName 'comm') -ErrorAction Ignore) -replace '\d+$', '#'
        $names[$name] = 1 + $names[$name]
    }
    $python = $null
    if ('Python.Runtime.PythonEngine' -as [type] -and [Python.Runtime.PythonEngine]::IsInitialized) {
        # In-process: the embedded Python's own count of allocated memory blocks and objects.
        $gil = [Python.Runtime.Py]::GIL()
        try {
            $python = [Python.Runtime.PythonEngine]::Eval(
                "[__import__('sys').getallocatedblocks(), len(__import__('gc').get_objects()), __import__('threading').active_count()]").ToString()
        } finally { $gil.Dispose() }
    }
    [ordered]@{
        python     = $python  # [allocated blocks, objects, threads]
        threads    = $process.Threads.Count
        # Idle .NET thread-pool workers retire on their own (after about 20 s), and so do the
        # in-process host's call workers (after 5 s): not leaks.
        tp_workers = [int]$names['.NET TP Worker'] + [int]$names['MgBridge call']
        names      = $names
        working_mb = [math]::Round($process.WorkingSet64 / 1MB, 1)
        private_mb = [math]::Round($process.PrivateMemorySize64 / 1MB, 1)
        managed_mb = [math]::Round([System.GC]::GetTotalMemory($true) / 1MB, 1)
        gc_committed_mb = [math]::Round([System.GC]::GetGCMemoryInfo().TotalCommittedBytes / 1MB, 1)
    }
}

function ConvertTo-InviteOutcome {
    <#
    .SYNOPSIS
    One invite's outcome in the shape reliability/faults.py accounts: kind (operation,
    GraphError, TransportError, BodyError, AuthError or the exception type), status,
    may_have_been_processed, op_context, message.
    #>
    param([string] $Context, $Operation, $ErrorRecords, [double] $Seconds)
    $outcome = [ordered]@{ context = $Context; seconds = [math]::Round($Seconds, 3) }
    # The record the cmdlet wrote is the last one (-ErrorVariable may also collect inner ones).
    $record = @($ErrorRecords)[-1]
    if ($record) {
        $outcome['message'] = $record.Exception.Message
        $exception = $record.Exception
        if ($record.ErrorDetails -and $record.ErrorDetails.Message -match '(?m)^Status: (\d+)') {
            $outcome['kind'] = 'GraphError'
            $outcome['status'] = [int]$Matches[1]
        } elseif ($exception -is [System.Net.Http.HttpRequestException]) {
            $outcome['kind'] = 'TransportError'
            $outcome['may_have_been_processed'] = [bool]$exception.Data['MayHaveBeenProcessed']
        } elseif ($record.FullyQualifiedErrorId -like 'BodyError,*') {
            $outcome['kind'] = 'BodyError'
        } elseif ($exception -is [System.Security.Authentication.AuthenticationException]) {
            $outcome['kind'] = 'AuthError'
        } else {
            $outcome['kind'] = "unexpected $($exception.GetType().FullName) $($record.FullyQualifiedErrorId)"
        }
    } elseif (@($Operation).Count -eq 1) {
        $outcome['kind'] = 'operation'
        $outcome['op_id'] = $Operation.Id
        $outcome['op_context'] = $Operation.ClientContext
    } else {
        $outcome['kind'] = "unexpected: $(@($Operation).Count) outputs and no error"
    }
    $outcome
}

function Invoke-RunspaceInvite {
    <#
    .SYNOPSIS
    Invites once per context from one pool of runspaces sharing this process's connection (and,
    in-process, its Python), round after round; returns the outcomes (one per context; kind
    $null when it was still running at the deadline: hung) and a process snapshot after each
    round, with the pool still open, and after the pool is closed.
    #>
    param(
        [Parameter(Mandatory)] [string] $CallId,
        # Arrays of contexts; each round waits for all of its invites.
        [Parameter(Mandatory)] [object[]] $Rounds,
        [int] $Runspaces = 8,
        [double] $DeadlineSeconds = 600
    )
    $manifest = (Get-Module MgBridge).Path -replace '\.psm1$', '.psd1'
    $state = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
    $state.ImportPSModule($manifest)
    $state.ImportPSModule($PSCommandPath)
    # The runspaces see the caller's environment (MGBRIDGE_TRANSPORT, the sandbox state file).
    $pool = [runspacefactory]::CreateRunspacePool($Runspaces, $Runspaces, $state, $Host)
    $opening = [System.Diagnostics.Stopwatch]::StartNew()
    $pool.Open()  # all runspaces, each importing the module, before the first invite
    $opened = $opening.Elapsed.TotalSeconds
    $results = [System.Collections.Concurrent.ConcurrentDictionary[string, object]]::new()
    # Each outcome is kept as compact JSON text until the end, so that what the harness keeps per
    # invite (about 200 bytes) does not pass for memory the bridge failed to free.
    $worker = {
        param($Queue, $Results, $CallId)
        $item = $null
        while ($Queue.TryDequeue([ref]$item)) {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $failures = $null
            $body = @{ Participants = @(New-ValidParticipant); ClientContext = $item }
            $operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $CallId -BodyParameter $body `
                -ErrorAction SilentlyContinue -ErrorVariable failures
            $outcome = ConvertTo-InviteOutcome -Context $item -Operation $operation -ErrorRecords $failures -Seconds $watch.Elapsed.TotalSeconds
            $outcome.Remove('context')
            if ($outcome['op_context'] -eq $item) { $outcome['op_context'] = '=' }
            $null = $Results.TryAdd($item, (ConvertTo-Json -InputObject $outcome -Compress))
        }
    }
    $deadline = [datetime]::UtcNow.AddSeconds($DeadlineSeconds)
    $hung = $false
    $snapshots = [System.Collections.Generic.List[object]]::new()
    foreach ($round in $Rounds) {
        $queue = [System.Collections.Concurrent.ConcurrentQueue[string]]::new([string[]]$round)
        $jobs = foreach ($index in 1..$Runspaces) {
            $shell = [powershell]::Create()
            $shell.RunspacePool = $pool
            $null = $shell.AddScript($worker).AddArgument($queue).AddArgument($results).AddArgument($CallId)
            [pscustomobject]@{ Shell = $shell; Handle = $shell.BeginInvoke() }
        }
        foreach ($job in $jobs) {
            $left = [math]::Max(0, ($deadline - [datetime]::UtcNow).TotalMilliseconds)
            if ($job.Handle.AsyncWaitHandle.WaitOne([int]$left)) {
                $job.Shell.EndInvoke($job.Handle)
                foreach ($problem in $job.Shell.Streams.Error) { Write-Warning "runspace error: $problem" }
                $job.Shell.Dispose()
            } else {
                $hung = $true
            }
        }
        $snapshots.Add((Get-ProcessSnapshot))
        if ($hung) { break }
    }
    if (-not $hung) {
        $pool.Close()
        $pool.Dispose()
    }
    $outcomes = foreach ($round in $Rounds) {
        foreach ($item in $round) {
            $text = $null
            if ($results.TryGetValue($item, [ref]$text)) {
                $outcome = ConvertFrom-Json -InputObject $text -AsHashtable
                $outcome['context'] = $item
                if ($outcome['op_context'] -eq '=') { $outcome['op_context'] = $item }
                $outcome
            } else { [ordered]@{ context = $item; kind = $null; message = 'hung' } }
        }
    }
    [ordered]@{
        outcomes = @($outcomes); rounds = @($snapshots); closed = (Get-ProcessSnapshot); hung = $hung
        open_seconds = [math]::Round($opened, 2)
    }
}

# -- the bad-input corpus ---------------------------------------------------------------------------

function ConvertFrom-CorpusValue {
    <#
    .SYNOPSIS
    A corpus value (parsed with ConvertFrom-Json -AsHashtable) as a PowerShell value: '$call'
    and the markers of tests/data/bad_inputs.json resolved.
    #>
    param([AllowNull()] $Value, [string] $CallId)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string]) {
        if ($Value -ceq '$call') { return $CallId }
        return $Value
    }
    if ($Value -is [System.Collections.IDictionary]) {
        if ($Value.Contains('$valid')) { return New-ValidParticipant }
        if ($Value.Contains('$uuid')) { return [guid]::NewGuid().ToString() }
        if ($Value.Contains('$repeat')) { return [string]$Value['$repeat'] * [int]$Value['times'] }
        if ($Value.Contains('$nest')) {
            $nested = @{ Leaf = 1 }
            for ($i = 0; $i -lt [int]$Value['$nest']; $i++) { $nested = @{ Nested = $nested } }
            return $nested
        }
        if ($Value.Contains('$nestList')) {
            $nested = , @(1)
            for ($i = 0; $i -lt [int]$Value['$nestList']; $i++) { $nested = , @(, $nested) }
            return , $nested
        }
        if ($Value.Contains('$json')) {
            return ConvertTo-Json -InputObject (ConvertFrom-CorpusValue -Value $Value['$json'] -CallId $CallId) -Depth 100 -Compress
        }
        if ($Value.Contains('$pairs')) {
            $table = [hashtable]::new()
            foreach ($pair in $Value['$pairs']) {
                if ($null -eq $pair[0]) { throw [System.NotSupportedException]::new('a hashtable key cannot be null') }
                $table[$pair[0]] = ConvertFrom-CorpusValue -Value $pair[1] -CallId $CallId
            }
            return $table
        }
        if ($Value.Contains('$python')) { throw [System.NotSupportedException]::new("a Python $($Value['$python'])") }
        $copy = [ordered]@{}
        foreach ($entry in $Value.GetEnumerator()) { $copy[$entry.Key] = ConvertFrom-CorpusValue -Value $entry.Value -CallId $CallId }
        return $copy
    }
    if ($Value -is [System.Collections.IList]) {
        $items = foreach ($item in $Value) { , (ConvertFrom-CorpusValue -Value $item -CallId $CallId) }
        return , @($items)
    }
    $Value
}

function Get-CorpusCase {
    <# .SYNOPSIS The corpus cases with the PowerShell side's expectation and skip reason. #>
    param([string] $Path = (Join-Path $PSScriptRoot '..' 'tests' 'data' 'bad_inputs.json'))
    $corpus = Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json -AsHashtable -Depth 200
    foreach ($case in $corpus['cases']) {
        $side = $case['powershell']
        [pscustomobject]@{
            Id       = $case['id']
            What     = $case['what']
            Args     = $case['args']
            Script   = if ($side) { $side['script'] }
            Expect   = if ($side -and $side['expect']) { $side['expect'] } else { $case['expect'] }
            Skip     = if ($side) { $side['skip'] }
            KnownBug = if ($side -and $side['known_bug']) { $side['known_bug'] } else { $case['known_bug'] }
        }
    }
}

$script:ParameterNames = [ordered]@{
    call_id = 'CallId'; input_object = 'InputObject'; body = 'BodyParameter'; participants = 'Participants'
    client_context = 'ClientContext'; additional_properties = 'AdditionalProperties'; headers = 'Headers'
}

function Invoke-CorpusCase {
    <#
    .SYNOPSIS
    Runs one corpus case through the invite cmdlet; returns how it failed: kind (BodyError,
    ParameterBinding, Terminating, None or the error's type), message, error id, and whether the
    error names its problem as the case expects.
    #>
    param([Parameter(Mandatory)] $Case, [Parameter(Mandatory)] [string] $CallId)
    $command = 'Invoke-MgBetaInviteCommunicationCallParticipant'
    if ($Case.Script) {
        $parameters = & ([scriptblock]::Create("param(`$CallId) $($Case.Script)")) $CallId
    } else {
        $parameters = @{}
        foreach ($entry in $Case.Args.GetEnumerator()) {
            if ($entry.Key -eq 'api_version') {
                if ($entry.Value -eq 'v1.0') { $command = 'Invoke-MgInviteCommunicationCallParticipant' }
                continue
            }
            $parameters[$script:ParameterNames[$entry.Key]] = ConvertFrom-CorpusValue -Value $entry.Value -CallId $CallId
        }
    }
    $result = [ordered]@{ id = $Case.Id; kind = 'None'; message = ''; fqid = ''; outputs = 0 }
    $failures = $null
    try {
        $output = & $command @parameters -ErrorAction SilentlyContinue -ErrorVariable failures
        $result['outputs'] = @($output).Count
        # The record the cmdlet wrote is the last one: -ErrorVariable also collects the inner
        # errors a conversion failure passes through (a reported bug).
        $result['records'] = @($failures).Count
        $record = @($failures)[-1]
        if ($record) {
            $result['fqid'] = $record.FullyQualifiedErrorId
            $result['message'] = $record.Exception.Message
            $result['kind'] = if ($record.FullyQualifiedErrorId -like 'BodyError,*') { 'BodyError' } else { $record.Exception.GetType().Name }
        }
    } catch {
        $result['fqid'] = $_.FullyQualifiedErrorId
        $result['message'] = $_.Exception.Message
        $result['kind'] = if ($_.Exception -is [System.Management.Automation.ParameterBindingException]) { 'ParameterBinding' }
        elseif ($_.FullyQualifiedErrorId -like 'BodyError,*') { 'BodyError' }
        else { 'Terminating' }
    }
    $problems = [System.Collections.Generic.List[string]]::new()
    $expect = $Case.Expect
    if ($result['kind'] -notmatch "^(?:$($expect['error']))$") { $problems.Add("error kind $($result['kind']), expected $($expect['error'])") }
    if ($expect['path'] -and -not $Case.Script -and -not $result['message'].Contains($expect['path'])) {
        $problems.Add("the message does not name $($expect['path'])")
    }
    if ($expect['match'] -and $result['message'] -notmatch $expect['match']) { $problems.Add("the message does not match $($expect['match'])") }
    $result['problems'] = @($problems)
    $result
}

Export-ModuleMember -Function New-ValidParticipant, Get-ProcessSnapshot, ConvertTo-InviteOutcome, Invoke-RunspaceInvite,
    ConvertFrom-CorpusValue, Get-CorpusCase, Invoke-CorpusCase
