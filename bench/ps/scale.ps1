<#
Throughput with 1, 4 and 8 runspaces in one pwsh process (ForEach-Object -Parallel), each
importing the module and inviting -Invites times through -Transport (in-process by default); one
Connect-MgGraph for the process (the connection is process-wide). The sizes alternate in
-Repeats rounds (1,4,8,1,4,8...). Each runspace warms up, then all start together at a barrier.
Writes, per size and round, the wall time, every invite's latency (ns), and the CPU time that
this pwsh and the sandbox process spent meanwhile to -OutFile.
#>
param(
    [string] $Sizes = '1,4,8',
    [int] $Invites = 500,
    [int] $Repeats = 2,
    [int] $Warmup = 50,
    [int] $ClockTicks = 100,
    [ValidateSet('inprocess', 'process')] [string] $Transport = 'inprocess',
    [Parameter(Mandatory)] [string] $OutFile
)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

Import-Module MgBridge
$state = Get-BenchState
$env:MGBRIDGE_TRANSPORT = $Transport  # process-wide: every runspace uses it
Connect-MgGraph -Environment Sandbox -NoWelcome
$toNs = 1e9 / [System.Diagnostics.Stopwatch]::Frequency
# CPU seconds (user + system) of a process, from /proc.
function Get-CpuSeconds([int] $ProcessId) {
    $fields = ((Get-Content -LiteralPath "/proc/$ProcessId/stat" -Raw) -split '\) ', 2)[1] -split ' '
    ([long]$fields[11] + [long]$fields[12]) / $ClockTicks
}
$runs = [System.Collections.Generic.List[object]]::new()
$before = Get-BenchInviteCount $state
$expected = 0

for ($repeat = 0; $repeat -lt $Repeats; $repeat++) {
    foreach ($size in [int[]]($Sizes -split ',')) {
        $call = New-BenchCall $state
        $barrier = [System.Threading.Barrier]::new($size + 1)
        $commonPath = Join-Path $PSScriptRoot 'BenchCommon.ps1'
        # The runspaces run as a job, so that this thread can read the CPU clocks when all of them
        # have passed the barrier (after their import and warm-up) and when all are done.
        $job = 1..$size | ForEach-Object -ThrottleLimit $size -AsJob -Parallel {
            . $using:commonPath
            $barrier = $using:barrier
            try {
                Import-Module MgBridge
                $params = New-BenchParams
                $call = $using:call
                for ($i = 0; $i -lt $using:Warmup; $i++) {
                    $null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call -BodyParameter $params
                }
                $count = $using:Invites
                $latency = [long[]]::new($count)
            } catch {
                $barrier.RemoveParticipant()  # so that the others do not wait for this one
                throw
            }
            if (-not $barrier.SignalAndWait([timespan]::FromMinutes(2))) { throw 'the other runspaces did not start' }
            $first = [System.Diagnostics.Stopwatch]::GetTimestamp()
            for ($i = 0; $i -lt $count; $i++) {
                $start = [System.Diagnostics.Stopwatch]::GetTimestamp()
                $null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call -BodyParameter $params
                $latency[$i] = [System.Diagnostics.Stopwatch]::GetTimestamp() - $start
            }
            $last = [System.Diagnostics.Stopwatch]::GetTimestamp()
            [pscustomobject]@{ Start = $first; End = $last; Latency = $latency }
        }
        # Every error inside the runspaces stops them ($ErrorActionPreference is Stop there too),
        # and Receive-Job rethrows it here: a failed run is reported, never timed.
        if (-not $barrier.SignalAndWait([timespan]::FromMinutes(2))) {
            $job | Stop-Job
            throw "the runspaces did not reach the start: $($job | Receive-Job -ErrorAction Continue 2>&1 | Out-String)"
        }
        $cpuBefore = @((Get-CpuSeconds $PID), (Get-CpuSeconds $state.pid))
        $results = $job | Receive-Job -Wait -AutoRemoveJob
        if (@($results).Count -ne $size) { throw "$size runspaces started, $(@($results).Count) finished" }
        $cpuAfter = @((Get-CpuSeconds $PID), (Get-CpuSeconds $state.pid))
        $expected += $size * ($Invites + $Warmup)
        $start = ($results | Measure-Object -Property Start -Minimum).Minimum
        $end = ($results | Measure-Object -Property End -Maximum).Maximum
        $latency = [System.Collections.Generic.List[long]]::new()
        foreach ($result in $results) { foreach ($ticks in $result.Latency) { $latency.Add([long]($ticks * $toNs)) } }
        $runs.Add([ordered]@{
                runspaces  = $size
                invites    = $size * $Invites
                wall_ns    = [long](($end - $start) * $toNs)
                latency_ns = $latency.ToArray()
                pwsh_cpu_s    = $cpuAfter[0] - $cpuBefore[0]
                sandbox_cpu_s = $cpuAfter[1] - $cpuBefore[1]
            })
    }
}
$after = Get-BenchInviteCount $state

Save-BenchResult -Path $OutFile -Result ([ordered]@{
        runs          = $runs
        sent_expected = $expected
        sent_accepted = $after - $before
    })
