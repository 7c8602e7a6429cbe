#Requires -Version 7.4
<#
.SYNOPSIS
Runs the side-by-side scenarios of SdkParity.Tests.ps1 with one implementation of
Invoke-MgBetaInviteCommunicationCallParticipant in this (fresh) pwsh: the SDK's own, built from
source (-Side genuine), or mgbridge's (-Side mgbridge); prints one JSON line with, per
scenario, what went on the wire (the sandbox's recorded requests), the output and the errors.
.DESCRIPTION
The two implementations have the same command names, so each runs in its own process. The
genuine module is loaded by ../shared/genuine-sdk/setup-genuine.ps1 (-SetupScript), which points
it at the sandbox; mgbridge through its drop-in manifest, connected with
Connect-MgGraph -Environment Sandbox (its settings, e.g. MGBRIDGE_UNDECLARED_KEYS, come from the
environment). Each scenario invites into a new call. The fault scenario (fault500) resets the
sandbox after it, so it runs last.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('genuine', 'mgbridge')] [string] $Side,
    [Parameter(Mandatory)] [string] $StatePath,
    [string] $ModulesDir,
    [string] $SetupScript,
    # Scenario names (see $scenarios below), in order; also as one comma-separated string.
    [Parameter(Mandatory)] [string[]] $Scenario
)

$ErrorActionPreference = 'Stop'
$Scenario = $Scenario -split ','  # also "a,b" as one argument (pwsh -File)
$root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
$state = Get-Content -Raw -LiteralPath $StatePath | ConvertFrom-Json
if ($Side -eq 'genuine') {
    & $SetupScript -StatePath $StatePath -ModulesDir $ModulesDir | Out-Null
} else {
    $env:PSModulePath = (Join-Path $root 'psmodule' 'compat') + [System.IO.Path]::PathSeparator + $env:PSModulePath
    $env:MGBRIDGE_SANDBOX_STATE = $StatePath
    Import-Module Microsoft.Graph.Beta.CloudCommunications
    Connect-MgGraph -Environment Sandbox -NoWelcome | Out-Null
}

function Invoke-Admin([string] $Method, [string] $Path, [string] $Body) {
    $request = @{ Method = $Method; Uri = "$($state.admin)/$Path"; SkipCertificateCheck = $true }
    if ($Body) { $request['Body'] = $Body; $request['ContentType'] = 'application/json' }
    Invoke-RestMethod @request
}
function New-Call { (Invoke-Admin Post 'calls' '{}').id }
$script:lastSeq = @((Invoke-Admin Get 'requests').value | ForEach-Object seq | Sort-Object)[-1]
function Get-NewRequest {
    $requests = @((Invoke-Admin Get 'requests').value | Where-Object { $_.seq -gt $script:lastSeq })
    if ($requests) { $script:lastSeq = $requests[-1].seq }
    foreach ($request in $requests | Where-Object path -Like '*/communications/*') {
        [ordered]@{ method = $request.method; path = $request.path; status = $request.status; body = $request.body }
    }
}

# What scripts read from the operation an invite returns.
function Get-OperationProbe($op) {
    $strict = & {
        Set-StrictMode -Version Latest
        try { $null = $op.ResultInfo.Code; 'ok' } catch { 'error' }
    }
    $isModel = try { $op -is [Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation] } catch { 'no such type' }
    [ordered]@{
        typeName          = $op.PSObject.TypeNames[0]
        fullName          = $op.GetType().FullName
        isModel           = "$isModel"
        properties        = @($op.PSObject.Properties.Name | Sort-Object)
        id                = $op.Id
        status            = $op.Status
        clientContext     = $op.ClientContext
        odataContext      = $op.AdditionalProperties['@odata.context']
        odataType         = $op.AdditionalProperties['@odata.type']
        resultInfoIsNull  = $null -eq $op.ResultInfo
        resultInfoCode    = $op.ResultInfo.Code
        strictResultInfo  = $strict
        replacesCallId    = $op.Participants[0].ReplacesCallId
        userId            = $op.Participants[0].Identity.User.Id
        userExtra         = @($op.Participants[0].Identity.User.AdditionalProperties.Keys)
        json              = $op.ToJsonString()
        participantJson   = $op.Participants[0].ToJsonString()
    }
}

$user = @{ User = @{ Id = '278405a3-f568-4b3e-b684-009193463064' } }
$examples = Join-Path $root 'examples' 'powershell'
$scenarios = [ordered]@{}
foreach ($number in 1..7) {
    $path = Join-Path $examples "Example$number.ps1"
    # A child scope of the scenario's: the example sees $callId, as the help page assumes.
    $scenarios["example$number"] = [scriptblock]::Create("& '$path'")
}
$scenarios['object'] = { $op = & (Join-Path $examples 'Example1.ps1'); Get-OperationProbe $op }
$scenarios['nulls'] = {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{
        Participants  = @(@{ Identity = $user; ReplacesCallId = $null; ParticipantId = $null; EndpointType = $null; Hidden = $null; Foo = $null })
        ClientContext = $null
    }
}
$scenarios['nullsValid'] = {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{
        Participants  = @(@{ Identity = $user; ReplacesCallId = $null; ParticipantId = $null })
        ClientContext = $null
    }
}
$scenarios['nullExpanded'] = { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -Participants @(@{ Identity = $user }) -ClientContext $null }
$scenarios['wrongType'] = {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{ Participants = @(@{ Identity = $user; Hidden = 'maybe' }); ClientContext = 'wrong-type' }
}
$scenarios['singleParticipant'] = {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{ Participants = @{ Identity = $user }; ClientContext = 'single' }
}
$scenarios['psCustomObject'] = {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter ([pscustomobject]@{ Participants = @([pscustomobject]@{ Identity = $user }); ClientContext = 'pscustomobject' })
}
$scenarios['lowercaseKeys'] = {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{
        participants = @(@{ identity = @{ user = @{ id = '278405a3-f568-4b3e-b684-009193463064' } } }); clientcontext = 'lowercase'
    }
}
$scenarios['unknownEndpointType'] = {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{ Participants = @(@{ Identity = $user; EndpointType = 'bogus' }); ClientContext = 'endpoint' }
}
$scenarios['enumCasing'] = {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{ Participants = @(@{ Identity = $user; EndpointType = 'VOICEMAIL' }); ClientContext = 'enum-casing' }
}
$scenarios['fault500'] = {
    $null = Invoke-Admin Post 'faults' '{"match": "invite", "status": 500, "count": 4}'
    try {
        Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @{ Participants = @(@{ Identity = $user }); ClientContext = 'fault-500' }
    } finally {
        # The faults this side did not use would meet the next run's requests: the sandbox is
        # reset, once its records of this scenario are read.
        $script:recorded = @(Get-NewRequest)
        $null = Invoke-Admin Post 'reset'
        $script:lastSeq = 0
    }
}

# As in a script: an error the cmdlet writes does not stop it (the SDK's are non-terminating).
$ErrorActionPreference = 'Continue'
$results = [ordered]@{}
foreach ($name in $Scenario) {
    $callId = New-Call
    $outputs = [System.Collections.Generic.List[object]]::new()
    $errors = [System.Collections.Generic.List[object]]::new()
    $thrown = $null
    $script:recorded = $null
    try {
        foreach ($item in (& $scenarios[$name] 2>&1)) {
            if ($item -is [System.Management.Automation.ErrorRecord]) {
                $errors.Add([ordered]@{ id = $item.FullyQualifiedErrorId; message = $item.Exception.Message; type = $item.Exception.GetType().Name })
            } elseif ($item -is [System.Collections.IDictionary]) {
                $outputs.Add($item)
            } else {
                $outputs.Add([ordered]@{ typeName = $item.PSObject.TypeNames[0]; status = $item.Status; json = $item.ToJsonString() })
            }
        }
    } catch {
        $thrown = [ordered]@{ id = $_.FullyQualifiedErrorId; message = $_.Exception.Message; type = $_.Exception.GetType().Name }
    }
    $requests = if ($null -ne $script:recorded) { $script:recorded } else { @(Get-NewRequest) }
    $results[$name] = [ordered]@{ requests = @($requests); outputs = $outputs.ToArray(); errors = $errors.ToArray(); thrown = $thrown }
}
ConvertTo-Json -InputObject $results -Depth 50 -Compress
