<#
The first result from a fresh pwsh process, in slices (Stopwatch): Import-Module, finding the
Python (FindBridgePython runs `python -m bridge._hostinfo` once per process), starting the core
(in-process: pythonnet starts CPython and imports bridge._entry; process: the child starts and
answers a no-op), Connect-MgGraph -Environment Sandbox, the first invite, and a second one.
since_start is from the process's start to the first result. Writes them (ns) to -OutFile.
#>
param(
    [ValidateSet('inprocess', 'process')] [string] $Transport = 'inprocess',
    [Parameter(Mandatory)] [string] $CallId,
    [Parameter(Mandatory)] [string] $OutFile
)
$toNs = 1e9 / [System.Diagnostics.Stopwatch]::Frequency
$marks = [System.Collections.Generic.List[long]]::new()
$marks.Add([System.Diagnostics.Stopwatch]::GetTimestamp())
Import-Module MgBridge
$marks.Add([System.Diagnostics.Stopwatch]::GetTimestamp())
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')
$params = New-BenchParams
if ($Transport -eq 'process') { $env:MGBRIDGE_TRANSPORT = 'process' } else { Remove-Item Env:MGBRIDGE_TRANSPORT -ErrorAction Ignore }
$module = Get-Module MgBridge
$marks.Add([System.Diagnostics.Stopwatch]::GetTimestamp())
$null = & $module { FindBridgePython }
$marks.Add([System.Diagnostics.Stopwatch]::GetTimestamp())
$reply = & $module { InvokeBridge -Operation hosting_info }
$marks.Add([System.Diagnostics.Stopwatch]::GetTimestamp())
Connect-MgGraph -Environment Sandbox -NoWelcome
$marks.Add([System.Diagnostics.Stopwatch]::GetTimestamp())
$first = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $CallId -BodyParameter $params
$marks.Add([System.Diagnostics.Stopwatch]::GetTimestamp())
$null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $CallId -BodyParameter $params
$marks.Add([System.Diagnostics.Stopwatch]::GetTimestamp())
$sinceStart = ([datetime]::Now - [System.Diagnostics.Process]::GetCurrentProcess().StartTime).TotalMilliseconds * 1e6
if (-not $first -or $first.Status -ne 'Running') { throw "the first invite returned no running operation" }
if (($Transport -eq 'process') -eq ($reply.result.pid -eq $PID)) { throw "the $Transport transport did not run" }

Save-BenchResult -Path $OutFile -Result ([ordered]@{
        'Import-Module'        = [long](($marks[1] - $marks[0]) * $toNs)
        'find Python'          = [long](($marks[3] - $marks[2]) * $toNs)
        'start core'           = [long](($marks[4] - $marks[3]) * $toNs)
        'Connect-MgGraph'      = [long](($marks[5] - $marks[4]) * $toNs)
        'first invite'         = [long](($marks[6] - $marks[5]) * $toNs)
        'second invite'        = [long](($marks[7] - $marks[6]) * $toNs)
        since_start            = [long]$sinceStart
    })
