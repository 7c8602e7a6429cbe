<#
pwsh working set (after a full GC) before and after Import-Module (the whole calls family), after the first call (Connect-MgGraph
and one invite), after a warm-up of -Warmup invites, then every -Step invites up to -Invites
more. The managed heap (GC.GetTotalMemory) is recorded beside it: the rest of the working set is
native (CPython's heap included, since Python runs in this process). Writes the checkpoints to
-OutFile.
#>
param(
    [int] $Warmup = 500,
    [int] $Invites = 5000,
    [int] $Step = 1000,
    [Parameter(Mandatory)] [string] $OutFile
)
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$points = [System.Collections.Generic.List[object]]::new()
function Add-Point([string] $Label, [int] $Count) {
    $workingSet = Get-BenchWorkingSet
    $points.Add([ordered]@{
            label         = $Label
            invites       = $Count
            working_set   = $workingSet
            managed_heap  = [System.GC]::GetTotalMemory($true)
        })
}

$state = Get-BenchState
$call = New-BenchCall $state
$params = New-BenchParams
Remove-Item Env:MGBRIDGE_TRANSPORT -ErrorAction Ignore
Add-Point 'pwsh started' 0
Import-Module MgBridge
Add-Point 'after Import-Module' 0
# Every command of the calls family is loaded by the import: what it costs is the step above.
$commands = @(Get-Command -Module MgBridge).Count
Connect-MgGraph -Environment Sandbox -NoWelcome
$null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call -BodyParameter $params
$sent = 1
Add-Point 'after first call' $sent
for ($i = 0; $i -lt $Warmup; $i++) { $null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call -BodyParameter $params }
$sent += $Warmup
Add-Point 'after warm-up' $sent
for ($done = 0; $done -lt $Invites; $done += $Step) {
    for ($i = 0; $i -lt $Step; $i++) { $null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call -BodyParameter $params }
    $sent += $Step
    Add-Point "after $($done + $Step) more" $sent
}

Save-BenchResult -Path $OutFile -Result ([ordered]@{
        points        = $points
        commands      = $commands
        sent_expected = $sent
        sent_accepted = Get-BenchInviteCount $state
    })
