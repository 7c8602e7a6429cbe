# The invite cmdlets against a real sandbox with the real core, through both transports. Each
# transport runs one fresh pwsh with every scenario (Python can be hosted once per process);
# the Its check its results and what the sandbox recorded. Each scenario's body carries its own
# clientContext, "<transport>-<scenario>", which finds its request among the recorded ones.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '..' 'SandboxHelpers.psm1') -Force
    $script:Sandbox = Start-TestSandbox
    $script:CallId = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Method Post -Path 'calls' -Body @{}).id

    $script:Scenarios = @'
$ErrorActionPreference = 'Stop'
Import-Module '<MANIFEST>'
$callId = '<CALLID>'
$prefix = '<TRANSPORT>-'
$results = [ordered]@{}

function New-Body([string] $context) {
    @{
        Participants  = @(@{ Identity = @{ User = @{ Id = '278405a3-f568-4b3e-b684-009193463064'; IdentityProvider = 'AAD' } } })
        ClientContext = "$prefix$context"
    }
}

function Invoke-Scenario([string] $name, [scriptblock] $action) {
    try {
        $out = @(& $action)
        $results[$name] = [ordered]@{
            ok = $true; count = $out.Count; ids = @($out.Id); contexts = @($out.ClientContext); statuses = @($out.Status)
            types = @($out | ForEach-Object { $_.psobject.TypeNames[0] })
        }
    } catch {
        $results[$name] = [ordered]@{
            ok = $false; fqid = $_.FullyQualifiedErrorId; message = $_.Exception.Message; category = "$($_.CategoryInfo.Category)"
            activity = $_.CategoryInfo.Activity; details = $_.ErrorDetails.Message; exception = $_.Exception.GetType().FullName
            targetCallId = $_.TargetObject.CallId
        }
    }
}

Connect-MgGraph -Environment Sandbox -NoWelcome

Invoke-Scenario 'hashtable' { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'hashtable') }
Invoke-Scenario 'ordered' {
    $body = [ordered]@{ ClientContext = "${prefix}ordered"; participants = @([ordered]@{ identity = [ordered]@{ user = [ordered]@{ id = 'u-ordered' } } }) }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $body
}
Invoke-Scenario 'orderedhashtable' {
    $body = ConvertTo-Json -InputObject (New-Body 'orderedhashtable') -Depth 10 | ConvertFrom-Json -AsHashtable
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $body
}
Invoke-Scenario 'pscustomobject' {
    $body = ConvertTo-Json -InputObject (New-Body 'pscustomobject') -Depth 10 | ConvertFrom-Json
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $body
}
Invoke-Scenario 'json' {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (ConvertTo-Json -InputObject (New-Body 'json') -Depth 10)
}
Invoke-Scenario 'pipeline-body' { New-Body 'pipeline-body' | Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId }
Invoke-Scenario 'pipeline-bodies' { @((New-Body 'pipeline-bodies'), (New-Body 'pipeline-bodies')) | Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId }
Invoke-Scenario 'expanded-single' {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -Participants @{ Identity = @{ User = @{ Id = 'u-single' } } } `
        -AdditionalProperties @{ ClientContext = "${prefix}expanded-single" }
}
Invoke-Scenario 'expanded-objects' {
    $participants = @(
        [pscustomobject]@{ Identity = [pscustomobject]@{ User = [pscustomobject]@{ Id = 'u-one' } } }
        [pscustomobject]@{ Identity = [pscustomobject]@{ User = [pscustomobject]@{ Id = 'u-two' } } }
    )
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -ClientContext "${prefix}expanded-objects" -Participants $participants
}
Invoke-Scenario 'bodies-parameter' {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter @((New-Body 'bodies-parameter'), (New-Body 'bodies-parameter'))
}
Invoke-Scenario 'expanded-json' {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -ClientContext "${prefix}expanded-json" -Participants '{"Identity": {"User": {"Id": "u-json"}}}'
}
Invoke-Scenario 'identity-pipeline-expanded' {
    [pscustomobject]@{ CallId = $callId } | Invoke-MgBetaInviteCommunicationCallParticipant -ClientContext "${prefix}identity-pipeline-expanded" `
        -Participants @(@{ Identity = @{ User = @{ Id = 'u-piped' } } })
}
Invoke-Scenario 'parallel' {
    # Runspaces share the process's one connection, as the SDK's GraphSession.
    $manifest = (Get-Module -Name MgBridge).Path -replace '\.psm1$', '.psd1'
    1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
        Import-Module $using:manifest
        $body = @{ Participants = @(@{ Identity = @{ User = @{ Id = "u-parallel-$_" } } }); ClientContext = "$($using:prefix)parallel" }
        Invoke-MgBetaInviteCommunicationCallParticipant -CallId $using:callId -BodyParameter $body
    }
}
Invoke-Scenario 'identity-pipeline' { @{ callid = $callId } | Invoke-MgBetaInviteCommunicationCallParticipant -BodyParameter (New-Body 'identity-pipeline') }
Invoke-Scenario 'identity-expanded' {
    Invoke-MgBetaInviteCommunicationCallParticipant -InputObject ([pscustomobject]@{ CallId = $callId }) -ClientContext "${prefix}identity-expanded" `
        -Participants @(@{ Identity = @{ User = @{ Id = 'u-identity' } } })
}
Invoke-Scenario 'identity-json' {
    Invoke-MgBetaInviteCommunicationCallParticipant -InputObject "{`"CALLID`": `"$callId`"}" -BodyParameter (New-Body 'identity-json')
}
Invoke-Scenario 'identity-orderedhashtable' {
    $identity = "{`"callId`": `"$callId`"}" | ConvertFrom-Json -AsHashtable
    Invoke-MgBetaInviteCommunicationCallParticipant -InputObject $identity -BodyParameter (New-Body 'identity-orderedhashtable')
}
Invoke-Scenario 'identity-missing' {
    Invoke-MgBetaInviteCommunicationCallParticipant -InputObject @{ Other = 1 } -BodyParameter (New-Body 'identity-missing') -ErrorAction SilentlyContinue
}
Invoke-Scenario 'graph-error' { Invoke-MgBetaInviteCommunicationCallParticipant -CallId 'no-such-call' -BodyParameter (New-Body 'graph-error') }
Invoke-Scenario 'graph-error-nonterminating' {
    $ErrorActionPreference = 'Continue'
    $Error.Clear()
    $out = Invoke-MgBetaInviteCommunicationCallParticipant -CallId 'no-such-call' -BodyParameter (New-Body 'graph-error-nt') -ErrorAction SilentlyContinue -ErrorVariable captured
    [pscustomobject]@{ Id = "$($captured.Count) $($null -eq $out) $($Error[0].FullyQualifiedErrorId)"; ClientContext = $null; Status = $null }
}
Invoke-Scenario 'body-error' {
    $body = New-Body 'body-error'
    $body.Participants[0].Hidden = 'maybe'
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $body
}
Invoke-Scenario 'scriptblock' {
    $body = New-Body 'scriptblock'
    $body.Participants[0].Identity = { 'not data' }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $body
}
Invoke-Scenario 'deep' {
    $body = New-Body 'deep'
    $body.Deep = ('[' * 1000) + (']' * 1000) | ConvertFrom-Json -Depth 1100 -AsHashtable
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $body
}
Invoke-Scenario 'after-deep' { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'after-deep') }
Invoke-Scenario 'rhv' {
    function Invoke-InAFunction { $null = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'rhv') -RHV responseHeaders }
    Invoke-InAFunction
    [pscustomobject]@{ Id = $global:responseHeaders['REQUEST-ID'] | Select-Object -First 1; ClientContext = $global:responseHeaders.GetType().Name; Status = $null }
}
Invoke-Scenario 'headers' {
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'headers') -Headers @{ 'X-Test-Header' = 'abc'; 'X-Number' = 5 }
}
Invoke-Scenario 'v1' { Invoke-MgInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'v1') }
Invoke-Scenario 'get-operation' {
    $operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'get-operation')
    Get-MgBetaCommunicationCallOperation -CallId $callId -CommsOperationId $operation.Id -Headers @{ 'X-Get-Test' = "${prefix}get" }
    [pscustomobject]@{ CallId = $callId; CommsOperationId = $operation.Id } | Get-MgCommunicationCallOperation
}
Invoke-Scenario 'format' {
    $operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'format')
    $table = ($operation | Format-Table | Out-String -Width 200).Trim() -split "`n"
    [pscustomobject]@{ Id = $table[0].Trim(); ClientContext = "$($operation.AdditionalProperties -is [System.Collections.IDictionary])"; Status = $operation.Status }
}
Invoke-Scenario 'whatif' { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'whatif') -WhatIf }
Invoke-Scenario 'whatif-verbose' {
    $lines = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'whatif-verbose') -WhatIf -Verbose 4>&1
    [pscustomobject]@{ Id = ($lines | ForEach-Object { "$_" }) -join "`n"; ClientContext = $null; Status = $null }
}
Invoke-Scenario 'confirm' { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'confirm') -Confirm }
Invoke-Scenario 'confirm-false' { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'confirm-false') -Confirm:$false }
Invoke-Scenario 'debug' {
    $lines = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'debug') -Debug 5>&1
    [pscustomobject]@{ Id = ($lines | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message) -join "`n"; ClientContext = $null; Status = $null }
}
Invoke-Scenario 'retry-verbose' {
    $null = Invoke-MgBridgeSandboxRequest -Method Post -Path 'faults' -Body @{ match = 'invite'; status = 503; retryAfter = 0; count = 1 }
    $lines = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'retry-verbose') -Verbose 4>&1
    [pscustomobject]@{ Id = ($lines | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
        ClientContext = @($lines | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })[0].ClientContext; Status = $null }
}
Disconnect-MgGraph | Out-Null
Invoke-Scenario 'whatif-not-connected' {
    $lines = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'whatif-not-connected') -WhatIf -Verbose 4>&1
    [pscustomobject]@{ Id = ($lines | ForEach-Object { "$_" }) -join "`n"; ClientContext = $null; Status = $null }
}
Invoke-Scenario 'not-connected' { Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter (New-Body 'not-connected') }

'JSON:' + (ConvertTo-Json -InputObject $results -Depth 10 -Compress)
'@
}

AfterAll {
    Stop-TestSandbox -Sandbox $script:Sandbox
}

Describe 'Invoke-Mg[Beta]InviteCommunicationCallParticipant through the <Transport> transport' -ForEach @(
    @{ Transport = 'inprocess' }
    @{ Transport = 'process' }
) {
    BeforeAll {
        $script:Prefix = "$Transport-"
        $scenarioScript = $script:Scenarios.Replace('<MANIFEST>', (Get-ModuleManifestPath)).Replace('<CALLID>', $script:CallId).Replace('<TRANSPORT>', $Transport)
        $script:Run = Invoke-FreshPwsh -Script $scenarioScript -Environment @{
            MGBRIDGE_TRANSPORT = $Transport; MGBRIDGE_SANDBOX_STATE = $script:Sandbox.StateFile
        }
        $line = $script:Run.Output -split "`n" | Where-Object { $_.StartsWith('JSON:') } | Select-Object -First 1
        if (-not $line) { throw "The scenarios did not finish. Output: $($script:Run.Output) Errors: $($script:Run.Errors)" }
        $script:Results = $line.Substring(5) | ConvertFrom-Json -AsHashtable
        function Get-Recorded([string] $scenario) { , @(Get-SandboxInvite -Sandbox $script:Sandbox -ClientContext "$script:Prefix$scenario") }
    }

    It 'returns an operation typed as the SDK model from a <Kind> body' -TestCases @(
        @{ Kind = 'hashtable' }, @{ Kind = 'ordered' }, @{ Kind = 'orderedhashtable' }, @{ Kind = 'pscustomobject' }, @{ Kind = 'json' }
    ) {
        param($Kind)
        $result = $script:Results[$Kind]
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.count | Should -Be 1
        $result.types | Should -Be 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation'
        $result.ids[0] | Should -Not -BeNullOrEmpty
        $result.contexts[0] | Should -Be "$script:Prefix$Kind"
        $recorded = Get-Recorded $Kind
        $recorded.Count | Should -Be 1
        $recorded[0].path | Should -Be "/beta/communications/calls/$script:CallId/participants/invite"
        $recorded[0].body.Keys | Should -Contain 'participants'
        $recorded[0].body.participants[0].identity.user.id | Should -Not -BeNullOrEmpty
    }

    It 'sends Graph camelCase for the keys of every value kind' {
        foreach ($kind in 'hashtable', 'orderedhashtable', 'pscustomobject', 'json') {
            $body = (Get-Recorded $kind)[0].body
            $body.participants[0].identity.user.identityProvider | Should -Be 'AAD' -Because $kind
            $body.Keys | Sort-Object | Should -Be @('clientContext', 'participants') -Because $kind
        }
    }

    It 'takes BodyParameter from the pipeline, one invite per body' {
        $script:Results['pipeline-body'].count | Should -Be 1
        $script:Results['pipeline-bodies'].count | Should -Be 2
        (Get-Recorded 'pipeline-bodies').Count | Should -Be 2
    }

    It 'builds the body from the expanded parameters (single participant, objects, AdditionalProperties)' {
        $script:Results['expanded-single'].ok | Should -BeTrue -Because ($script:Results['expanded-single'] | ConvertTo-Json -Compress)
        $single = (Get-Recorded 'expanded-single')[0].body
        @($single.participants).Count | Should -Be 1
        $single.participants[0].identity.user.id | Should -Be 'u-single'
        $single.Keys | Sort-Object | Should -Be @('clientContext', 'participants')
        $objects = (Get-Recorded 'expanded-objects')[0].body
        $objects.participants.identity.user.id | Should -Be @('u-one', 'u-two')
    }

    It 'invites once per body of a -BodyParameter array' {
        $script:Results['bodies-parameter'].count | Should -Be 2
        (Get-Recorded 'bodies-parameter').Count | Should -Be 2
    }

    It 'takes participants as JSON text' {
        $script:Results['expanded-json'].ok | Should -BeTrue -Because ($script:Results['expanded-json'] | ConvertTo-Json -Compress)
        (Get-Recorded 'expanded-json')[0].body.participants[0].identity.user.id | Should -Be 'u-json'
    }

    It 'serves ForEach-Object -Parallel runspaces with the one connection' {
        $script:Results['parallel'].ok | Should -BeTrue -Because ($script:Results['parallel'] | ConvertTo-Json -Compress)
        $script:Results['parallel'].count | Should -Be 4
        (Get-Recorded 'parallel').Count | Should -Be 4
    }

    It 'takes the call from InputObject: <Scenario>' -TestCases @(
        @{ Scenario = 'identity-pipeline' }, @{ Scenario = 'identity-pipeline-expanded' }, @{ Scenario = 'identity-expanded' }
        @{ Scenario = 'identity-json' }, @{ Scenario = 'identity-orderedhashtable' }
    ) {
        param($Scenario)
        $script:Results[$Scenario].ok | Should -BeTrue -Because ($script:Results[$Scenario] | ConvertTo-Json -Compress)
        (Get-Recorded $Scenario)[0].path | Should -Be "/beta/communications/calls/$script:CallId/participants/invite"
    }

    It 'stops with the SDK error when InputObject has no CallId' {
        $result = $script:Results['identity-missing']
        $result.ok | Should -BeFalse
        $result.message | Should -BeExactly 'InputObject has null value for InputObject.CallId'
        $result.fqid | Should -BeExactly 'Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaInviteCommunicationCallParticipant_InviteViaIdentity'
        $result.category | Should -Be 'InvalidArgument'
    }

    It 'writes a Graph error as the SDK does: id, category, details, target' {
        $result = $script:Results['graph-error']
        $result.ok | Should -BeFalse
        $result.fqid | Should -Match '^[^,]+,Microsoft\.Graph\.Beta\.PowerShell\.Cmdlets\.InvokeMgBetaInviteCommunicationCallParticipant_Invite$'
        $result.category | Should -Be 'InvalidOperation'
        $result.activity | Should -Be 'Invoke-MgBetaInviteCommunicationCallParticipant_Invite'
        $result.message | Should -Match '^\[[^\]]+\] : '
        $result.details | Should -Match '(?m)^Status: 404 \(NotFound\)'
        $result.details | Should -Match '(?m)^ErrorCode: '
        $result.details | Should -Match '(?m)^Date: '
        $result.details | Should -Match '(?m)^request-id\s+: \S+'
        $result.targetCallId | Should -Be 'no-such-call'
    }

    It 'keeps a Graph error non-terminating without -ErrorAction Stop, in -ErrorVariable and $Error' {
        $count, $noOutput, $fqid = $script:Results['graph-error-nonterminating'].ids[0] -split ' '
        $count | Should -Be 1
        $noOutput | Should -Be 'True'
        $fqid | Should -Match ',Microsoft\.Graph\.Beta\.PowerShell\.Cmdlets\.InvokeMgBetaInviteCommunicationCallParticipant_Invite$'
    }

    It 'refuses a wrongly typed value before sending, naming its path' {
        $result = $script:Results['body-error']
        $result.ok | Should -BeFalse
        $result.fqid | Should -BeExactly 'BodyError,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaInviteCommunicationCallParticipant_Invite'
        $result.category | Should -Be 'InvalidArgument'
        $result.message | Should -Match 'participants\[0\]\.hidden'
        Get-Recorded 'body-error' | Should -BeNullOrEmpty
    }

    It 'refuses a value that is not data, naming its path' {
        $result = $script:Results['scriptblock']
        $result.fqid | Should -BeExactly 'BodyError,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaInviteCommunicationCallParticipant_Invite'
        $result.message | Should -Match '^BodyParameter\.Participants\[0\]\.Identity: a value of type System\.Management\.Automation\.ScriptBlock'
        Get-Recorded 'scriptblock' | Should -BeNullOrEmpty
    }

    It 'survives a 1,000-level body with a clear error, and goes on working' {
        $script:Results['deep'].message | Should -Match 'nested more than 64 levels deep'
        $script:Results['after-deep'].ok | Should -BeTrue
        Get-Recorded 'deep' | Should -BeNullOrEmpty
    }

    It 'sets the -ResponseHeadersVariable globally, case-insensitive' {
        $result = $script:Results['rhv']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.ids[0] | Should -Be (Get-Recorded 'rhv')[0].request_id
        $result.contexts[0] | Should -Match '^Dictionary'
    }

    It 'adds -Headers to the request' {
        $headers = (Get-Recorded 'headers')[0].headers
        $headers['x-test-header'] | Should -Be 'abc'
        $headers['x-number'] | Should -Be '5'
    }

    It 'calls /v1.0 from the v1.0 cmdlet, typed as the v1.0 model' {
        $script:Results['v1'].types | Should -Be 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation'
        (Get-Recorded 'v1')[0].path | Should -Be "/v1.0/communications/calls/$script:CallId/participants/invite"
    }

    It 'reads the operation again, by ids and from a piped identity' {
        $result = $script:Results['get-operation']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.count | Should -Be 2
        $result.ids | Select-Object -Unique | Should -HaveCount 1
        $result.types[1] | Should -Be 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation'
        $gets = (Invoke-SandboxAdmin -Sandbox $script:Sandbox -Path 'requests').value |
            Where-Object { $_.method -eq 'GET' -and $_.headers.'x-get-test' -eq "${script:Prefix}get" }
        @($gets).Count | Should -Be 1
    }

    It 'shows Id, Status and ClientContext by default, and AdditionalProperties as a dictionary' {
        $result = $script:Results['format']
        $result.ids[0] | Should -Match '^Id\s+Status\s+ClientContext$'
        $result.contexts[0] | Should -Be 'True'
    }

    It 'sends nothing with -WhatIf and says what it would do in the SDK''s words' {
        $script:Results['whatif'].count | Should -Be 0
        Get-Recorded 'whatif' | Should -BeNullOrEmpty
        $script:Run.Output | Should -Match ([regex]::Escape(
                'What if: Performing the operation "Invoke-MgBetaInviteCommunicationCallParticipant_Invite" on target ' +
                "`"Call remote 'POST /communications/calls/{call-id}/participants/microsoft.graph.invite' operation`"."))
    }

    It 'shows the exact request with -WhatIf -Verbose, without the token' {
        $verbose = $script:Results['whatif-verbose'].ids[0]
        $verbose | Should -Match "POST https://\S+/beta/communications/calls/$script:CallId/participants/invite"
        $verbose | Should -Match '"clientContext"'
        $verbose | Should -Not -Match 'Bearer ey'
        Get-Recorded 'whatif-verbose' | Should -BeNullOrEmpty
    }

    It 'asks before sending with -Confirm (which fails without a console), and not with -Confirm:$false' {
        $script:Results['confirm'].ok | Should -BeFalse
        $script:Results['confirm'].message | Should -Match 'NonInteractive'
        Get-Recorded 'confirm' | Should -BeNullOrEmpty
        (Get-Recorded 'confirm-false').Count | Should -Be 1
    }

    It 'shows the HTTP exchange with -Debug, without secrets' {
        $debug = $script:Results['debug'].ids[0]
        $debug | Should -Match "POST https://\S+/beta/communications/calls/$script:CallId/participants/invite"
        $debug | Should -Not -Match 'Bearer ey'
        $debug | Should -Not -Match ([regex]::Escape($script:Sandbox.client_secret))
    }

    It 'shows retries with -Verbose' {
        $result = $script:Results['retry-verbose']
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.ids[0] | Should -Match 'HTTP 503; retry 1 of 3'
        $result.contexts[0] | Should -Be "${script:Prefix}retry-verbose"
    }

    It 'plans the request with -WhatIf even when not connected' {
        $verbose = $script:Results['whatif-not-connected'].ids[0]
        $verbose | Should -Match "POST \S*/beta/communications/calls/$script:CallId/participants/invite"
        $verbose | Should -Match "whatif-not-connected"
    }

    It 'reports a missing connection as a non-terminating authentication error' {
        $result = $script:Results['not-connected']
        $result.ok | Should -BeFalse
        $result.fqid | Should -Match 'Microsoft\.Graph\.Beta\.PowerShell\.Cmdlets\.InvokeMgBetaInviteCommunicationCallParticipant_Invite$'
        $result.category | Should -Be 'AuthenticationError'
    }

    It 'never shows a secret in any stream' {
        $script:Run.Output | Should -Not -Match ([regex]::Escape($script:Sandbox.client_secret))
        $script:Run.Errors | Should -Not -Match ([regex]::Escape($script:Sandbox.client_secret))
    }
}
