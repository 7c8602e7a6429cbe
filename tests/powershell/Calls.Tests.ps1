# The calls family's commands, generated from bridge/_calls.json: their surface against the
# table (in this process, which never hosts Python), then a call's life against a real sandbox
# in one fresh pwsh (create, list, participants, mute, remove, hang up, 404), with pipeline
# input, -WhatIf/-Confirm and refused input. Each scenario's result is checked here, with what
# the sandbox recorded.

BeforeDiscovery {
    $root = Join-Path $PSScriptRoot '..' '..'
    $table = Get-Content -Raw -LiteralPath (Join-Path $root 'bridge' '_calls.json') | ConvertFrom-Json -AsHashtable
    $handWritten = 'Invoke-MgBetaInviteCommunicationCallParticipant', 'Invoke-MgInviteCommunicationCallParticipant'
    $script:Generated = foreach ($group in $table.commands | Where-Object name -NotIn $handWritten | Group-Object { $_.name }) {
        @{ Name = $group.Name; Operations = @($group.Group); Types = $table.types[$group.Group[0].api_version] }
    }
    $script:WithExamples = foreach ($version in 'beta', 'v1.0') {
        foreach ($file in Get-ChildItem -LiteralPath (Join-Path $root 'tests' 'data' 'sdk_examples' $version) -Filter '*.md') {
            if ($file.BaseName -notin $handWritten) { @{ Name = $file.BaseName; Path = $file.FullName } }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SandboxHelpers.psm1') -Force
    $script:Root = Join-Path $PSScriptRoot '..' '..'
    $script:Table = Get-Content -Raw -LiteralPath (Join-Path $script:Root 'bridge' '_calls.json') | ConvertFrom-Json -AsHashtable
    Import-Module (Get-ModuleManifestPath) -Force

    # The parameter sets the SDK gives an operation (its AutoRest parameter-set naming).
    function Get-ExpectedSet($operation) {
        $variant = $operation.variant
        if ($operation.method -eq 'GET') {
            $variant
            if ($variant -eq 'Get' -and $operation.ids) { 'GetViaIdentity' }
            return
        }
        $forms = if ($operation.body) { 'Expanded', '' } else { '' }
        foreach ($form in $forms) { "$variant$form" }
        if ($operation.ids) { foreach ($form in $forms) { "${variant}ViaIdentity$form" } }
    }

    # The code blocks of an SDK examples file, whose lines may break with CR, LF or both.
    function Get-SdkExampleCode([string] $Path) {
        $lines = [System.IO.File]::ReadAllText($Path) -split '\r\n|\r|\n'
        $fences = @(for ($index = 0; $index -lt $lines.Count; $index++) { if ($lines[$index].StartsWith('```')) { $index } })
        for ($pair = 0; $pair -lt $fences.Count; $pair += 2) {
            $lines[($fences[$pair] + 1)..($fences[$pair + 1] - 1)] -join "`n"
        }
    }
}

AfterAll {
    Remove-Module -Name MgBridge -Force -ErrorAction Ignore
}

Describe '<Name>' -ForEach $script:Generated {
    BeforeAll {
        $script:Command = Get-Command -Name $Name -Module MgBridge
        $script:Sets = @{}
        foreach ($set in $script:Command.ParameterSets) { $script:Sets[$set.Name] = $set.Parameters }
        $script:Ordered = @($Operations | Sort-Object { $_.variant -ne 'List' })
    }

    It 'has the SDK''s parameter sets, the first one by default' {
        $expected = @(foreach ($operation in $script:Ordered) { Get-ExpectedSet $operation })
        $script:Command.ParameterSets.Name | Sort-Object | Should -Be ($expected | Sort-Object)
        $script:Command.DefaultParameterSet | Should -Be $expected[0]
    }

    It 'takes the ids, identities and bodies as the SDK does' {
        foreach ($operation in $Operations) {
            foreach ($set in Get-ExpectedSet $operation) {
                $parameters = $script:Sets[$set]
                if ($set -like '*ViaIdentity*') {
                    $inputObject = $parameters | Where-Object Name -EQ 'InputObject'
                    $inputObject.IsMandatory | Should -BeTrue -Because "InputObject in $set"
                    $inputObject.ValueFromPipeline | Should -BeTrue -Because "InputObject in $set"
                    $parameters.Name | Should -Not -Contain 'CallId' -Because $set
                } else {
                    foreach ($id in $operation.ids) {
                        ($parameters | Where-Object Name -EQ $id[1]).IsMandatory | Should -BeTrue -Because "$($id[1]) in $set"
                    }
                }
                if ($operation.body) {
                    $body = $parameters | Where-Object Name -EQ 'BodyParameter'
                    if ($set -like '*Expanded') {
                        $body | Should -BeNullOrEmpty -Because $set
                        $parameters.Name | Should -Contain 'AdditionalProperties'
                    } else {
                        $body.IsMandatory | Should -BeTrue -Because "BodyParameter in $set"
                        $body.ValueFromPipeline | Should -BeTrue -Because "BodyParameter in $set"
                    }
                }
                $parameters.Name | Should -Contain 'Headers'
                $parameters.Name | Should -Contain 'ResponseHeadersVariable'
            }
        }
        $script:Command.Parameters['ResponseHeadersVariable'].Aliases | Should -Contain 'RHV'
    }

    It 'has a parameter for each body property, a switch for a boolean' {
        $operation = $Operations[0]
        if (-not $operation.body) { return }
        $properties = [ordered]@{}
        $type = $operation.body
        while ($type) {
            foreach ($entry in $Types[$type].properties.GetEnumerator()) { $properties[$entry.Key] = $entry.Value[0] }
            $type = $Types[$type].base
        }
        foreach ($entry in $properties.GetEnumerator()) {
            $name = $entry.Key.Substring(0, 1).ToUpperInvariant() + $entry.Key.Substring(1)
            $parameter = $script:Sets["$($operation.variant)Expanded"] | Where-Object Name -EQ $name
            $parameter | Should -Not -BeNullOrEmpty -Because "$name is a property of $($operation.body)"
            ($parameter.ParameterType -eq [switch]) | Should -Be ($entry.Value -eq 'boolean') -Because "$name is $($entry.Value)"
        }
    }

    It 'has the list options, -IfMatch and -PassThru where the SDK has them' {
        foreach ($operation in $Operations) {
            $parameters = $script:Sets[@(Get-ExpectedSet $operation)[0]]
            $wanted = @{
                '$top' = 'Top'; '$skip' = 'Skip'; '$filter' = 'Filter'; '$search' = 'Search'
                '$orderby' = 'Sort'; '$select' = 'Property'; '$expand' = 'ExpandProperty'; '$count' = 'CountVariable'
            }
            foreach ($option in $operation.query) { $parameters.Name | Should -Contain $wanted[$option] -Because "$option of $($operation.variant)" }
            if ($operation.pageable) {
                $parameters.Name | Should -Contain 'All'
                $parameters.Name | Should -Contain 'PageSize'
            }
            if ($operation.headers -contains 'If-Match') { $parameters.Name | Should -Contain 'IfMatch' }
            ($parameters.Name -contains 'PassThru') | Should -Be ($operation.returns -eq 'nothing')
        }
        if ($script:Command.Parameters['Top']) {
            $script:Command.Parameters['Top'].Aliases | Should -Contain 'Limit'
            $script:Command.Parameters['Sort'].Aliases | Should -Contain 'OrderBy'
            $script:Command.Parameters['CountVariable'].Aliases | Should -Contain 'CV'
        }
        if ($script:Command.Parameters['Property']) {
            $script:Command.Parameters['Property'].Aliases | Should -Contain 'Select'
            $script:Command.Parameters['ExpandProperty'].Aliases | Should -Contain 'Expand'
        }
    }

    It 'binds as the SDK: no positions, ShouldProcess (Medium) unless it only reads; the SDK''s output type' {
        $metadata = [System.Management.Automation.CommandMetadata]::new($script:Command)
        $metadata.PositionalBinding | Should -BeFalse
        $metadata.SupportsShouldProcess | Should -Be ($Operations[0].method -ne 'GET')
        if ($metadata.SupportsShouldProcess) { $metadata.ConfirmImpact | Should -Be 'Medium' }
        $namespace = if ($Operations[0].api_version -eq 'beta') { 'Microsoft.Graph.Beta.PowerShell.Models' } else { 'Microsoft.Graph.PowerShell.Models' }
        $expected = switch ($Operations[0].returns) {
            'count' { 'System.Int32' }
            'nothing' { 'System.Boolean' }
            default { "$namespace.MicrosoftGraph$($Operations[0].response.Substring(0, 1).ToUpperInvariant())$($Operations[0].response.Substring(1))" }
        }
        $script:Command.OutputType.Name | Should -Be $expected
    }

    It 'shows the table''s synopsis in its help, and describes every parameter' {
        $help = Get-Help -Name $Name -Full
        $first = $script:Ordered[0]
        $help.Synopsis | Should -BeExactly $(if ($first.description) { $first.description } else { $first.summary })
        foreach ($parameter in $script:Command.Parameters.Keys) {
            if ($parameter -in [System.Management.Automation.PSCmdlet]::CommonParameters) { continue }
            ($help.Parameters.Parameter | Where-Object Name -EQ $parameter).Description.Text |
                Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
        @($help.Syntax.SyntaxItem).Count | Should -Be $script:Command.ParameterSets.Count
    }
}

Describe 'Help of <Name>' -ForEach $script:WithExamples {
    It 'carries the SDK''s examples, code as published' {
        $published = @(Get-SdkExampleCode -Path $Path)
        $examples = @((Get-Help -Name $Name -Examples).Examples.Example)
        $examples.Count | Should -Be $published.Count
        for ($index = 0; $index -lt $published.Count; $index++) {
            # Get-Help trims the blank lines that some published blocks start and end with.
            $examples[$index].Code.Replace("`r`n", "`n") | Should -BeExactly $published[$index].Trim()
        }
    }
}

Describe 'The calls family''s surface' {
    It 'is exported whole by the drop-in manifests, each version by its module' {
        foreach ($version in 'beta', 'v1.0') {
            $module = if ($version -eq 'beta') { 'Microsoft.Graph.Beta.CloudCommunications' } else { 'Microsoft.Graph.CloudCommunications' }
            $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $script:Root 'psmodule' 'compat' $module "$module.psd1")
            $family = $script:Table.commands | Where-Object api_version -EQ $version | ForEach-Object name | Sort-Object -Unique
            $manifest.FunctionsToExport | Sort-Object | Should -Be $family -Because $module
        }
    }

    It 'refuses an unknown parameter at binding, as PowerShell does' {
        { Get-MgBetaCommunicationCall -NoSuchParameter 1 } | Should -Throw -ErrorId 'NamedParameterNotFound,Get-MgBetaCommunicationCall'
        { Invoke-MgBetaMuteCommunicationCallParticipant -CallId c -ParticipantId p -Muted } | Should -Throw -ErrorId 'NamedParameterNotFound,Invoke-MgBetaMuteCommunicationCallParticipant'
    }
}

Describe 'A call''s life through the calls commands' {
    BeforeAll {
        $script:Sandbox = Start-TestSandbox
        $scenarios = @'
$ErrorActionPreference = 'Stop'
Import-Module '<MANIFEST>'
$results = [ordered]@{}

function Invoke-Scenario([string] $name, [scriptblock] $action) {
    try {
        $out = @(& $action)
        $results[$name] = [ordered]@{
            ok = $true; count = $out.Count; values = @($out | ForEach-Object { if ($_ -is [psobject] -and $_.psobject.Properties['Id']) { $_.Id } else { $_ } })
            types = @($out | ForEach-Object { if ($null -ne $_) { $_.psobject.TypeNames[0] } })
        }
    } catch {
        $results[$name] = [ordered]@{
            ok = $false; fqid = $_.FullyQualifiedErrorId; message = $_.Exception.Message; category = "$($_.CategoryInfo.Category)"
            activity = $_.CategoryInfo.Activity; details = $_.ErrorDetails.Message; exception = $_.Exception.GetType().FullName
            target = $_.TargetObject
        }
    }
}

function New-Call([string] $userId) {
    New-MgBetaCommunicationCall -BodyParameter @{
        '@odata.type'       = '#microsoft.graph.call'
        callbackUri         = 'https://bot.contoso.com/callback'
        targets             = @(@{ identity = @{ user = @{ id = $userId; displayName = 'John' } } })
        requestedModalities = @('audio')
        mediaConfig         = @{ '@odata.type' = '#microsoft.graph.serviceHostedMediaConfig' }
    }
}

Connect-MgGraph -Environment Sandbox -NoWelcome

Invoke-Scenario 'create' { New-Call 'u-create' }
$callId = $results['create'].values[0]
Invoke-Scenario 'create-expanded' {
    New-MgBetaCommunicationCall -CallbackUri 'https://bot.contoso.com/callback' -RequestedModalities audio `
        -Targets @{ Identity = @{ User = @{ Id = 'u-expanded' } } } -MediaConfig @{ '@odata.type' = '#microsoft.graph.serviceHostedMediaConfig' }
}
Invoke-Scenario 'list-all' {
    $calls = Get-MgBetaCommunicationCall -All -PageSize 1 -CountVariable total
    $calls
    [pscustomobject]@{ Id = "total=$total" }
}
Invoke-Scenario 'list-top' { Get-MgBetaCommunicationCall -Top 1 }
Invoke-Scenario 'count-variable-scope' {
    function Read-Calls { $null = Get-MgBetaCommunicationCall -CountVariable inFunction; "in=$inFunction" }
    Read-Calls
    "out=$inFunction"
}
Invoke-Scenario 'get' { Get-MgBetaCommunicationCall -CallId $callId -Property id, state }
Invoke-Scenario 'get-v1' { Get-MgCommunicationCall -CallId $callId }
Invoke-Scenario 'participants' { Get-MgBetaCommunicationCallParticipant -CallId $callId }
$participantId = @($results['participants'].values)[-1]
Invoke-Scenario 'participant-count' { Get-MgBetaCommunicationCallParticipantCount -CallId $callId }
Invoke-Scenario 'participant-identity' { [pscustomobject]@{ CallId = $callId; ParticipantId = $participantId } | Get-MgBetaCommunicationCallParticipant }
Invoke-Scenario 'participant-format' {
    $table = (Get-MgBetaCommunicationCallParticipant -CallId $callId | Format-Table | Out-String -Width 200).Trim() -split "`n"
    $table[0].Trim()
    (@($table) -match 'John').Count
}
Invoke-Scenario 'call-format' { ((Get-MgBetaCommunicationCall -CallId $callId | Format-Table | Out-String -Width 200).Trim() -split "`n")[0].Trim() }
Invoke-Scenario 'mute' { Invoke-MgBetaMuteCommunicationCallParticipant -CallId $callId -ParticipantId $participantId -ClientContext 'ctx-mute' }
Invoke-Scenario 'mute-format' {
    $operation = Invoke-MgBetaMuteCommunicationCallParticipant -CallId $callId -ParticipantId $participantId -ClientContext 'ctx-mute-format'
    ((@($operation) | Format-Table | Out-String -Width 200).Trim() -split "`n")[0].Trim()
}
Invoke-Scenario 'mute-body-pipeline' {
    @{ ClientContext = 'ctx-body-1' }, @{ ClientContext = 'ctx-body-2' } | Invoke-MgBetaMuteCommunicationCallParticipant -CallId $callId -ParticipantId $participantId
}
Invoke-Scenario 'mute-identities' {
    $identity = @{ callId = $callId; PARTICIPANTID = $participantId }
    Invoke-MgBetaMuteCommunicationCallParticipant -InputObject @($identity, $identity) -ClientContext 'ctx-identities'
}
Invoke-Scenario 'mute-identity-missing' {
    @{ CallId = $callId } | Invoke-MgBetaMuteCommunicationCallParticipant -ClientContext 'ctx-missing' -ErrorAction SilentlyContinue
}
Invoke-Scenario 'wrong-type' { New-MgBetaCommunicationCall -CallbackUri 'https://bot.contoso.com/callback' -RingingTimeoutInSeconds 'soon' }
Invoke-Scenario 'wrong-type-body' {
    Invoke-MgBetaMuteCommunicationCallParticipant -CallId $callId -ParticipantId $participantId -BodyParameter @{ ClientContext = @{ nested = 'ctx-wrong' } }
}
Invoke-Scenario 'not-data' { New-MgBetaCommunicationCall -CallbackUri 'https://bot.contoso.com/callback' -Targets { 'not data' } }
Invoke-Scenario 'whatif' { Remove-MgBetaCommunicationCall -CallId $callId -WhatIf }
Invoke-Scenario 'whatif-verbose' {
    $lines = Invoke-MgBetaMuteCommunicationCallParticipant -CallId $callId -ParticipantId $participantId -ClientContext 'ctx-whatif' -WhatIf -Verbose 4>&1
    ($lines | ForEach-Object { "$_" }) -join "`n"
}
Invoke-Scenario 'confirm' { Invoke-MgBetaKeepCommunicationCallAlive -CallId $callId -Confirm }
Invoke-Scenario 'confirm-false' { Invoke-MgBetaKeepCommunicationCallAlive -CallId $callId -Confirm:$false -PassThru }
Invoke-Scenario 'rhv' {
    $null = Get-MgBetaCommunicationCall -CallId $callId -ResponseHeadersVariable callHeaders
    $global:callHeaders['request-id'] | Select-Object -First 1
}
Invoke-Scenario 'remove-participant' {
    Remove-MgBetaCommunicationCallParticipant -CallId $callId -ParticipantId $participantId -PassThru -IfMatch 'W/"1"' -Headers @{ 'X-Calls-Test' = 'remove' }
}
Invoke-Scenario 'hang-up' { Remove-MgBetaCommunicationCall -CallId $callId }
Invoke-Scenario 'after-hang-up' { Get-MgBetaCommunicationCall -CallId $callId }
Invoke-Scenario 'after-hang-up-nonterminating' {
    $ErrorActionPreference = 'Continue'
    $out = Get-MgBetaCommunicationCall -CallId $callId -ErrorAction SilentlyContinue -ErrorVariable captured
    "$($captured.Count) $($null -eq $out)"
}

'JSON:' + (ConvertTo-Json -InputObject $results -Depth 10 -Compress)
'@
        $script:Run = Invoke-FreshPwsh -Script $scenarios.Replace('<MANIFEST>', (Get-ModuleManifestPath)) -Environment @{
            MGBRIDGE_SANDBOX_STATE = $script:Sandbox.StateFile
        }
        $line = $script:Run.Output -split "`n" | Where-Object { $_.StartsWith('JSON:') } | Select-Object -First 1
        if (-not $line) { throw "The scenarios did not finish. Output: $($script:Run.Output) Errors: $($script:Run.Errors)" }
        $script:Results = $line.Substring(5) | ConvertFrom-Json -AsHashtable
        $script:CallId = $script:Results['create'].values[0]
        $script:Requests = @((Invoke-SandboxAdmin -Sandbox $script:Sandbox -Path 'requests').value | Where-Object { $_.path -like '/beta/*' -or $_.path -like '/v1.0/*' })

        function Get-Result([string] $Name) {
            $result = $script:Results[$Name]
            $result | Should -Not -BeNullOrEmpty -Because "scenario $Name ran"
            $result
        }
        function Get-Sent([string] $Method, [string] $Path) {
            $script:Requests | Where-Object { $_.method -eq $Method -and $_.path -eq $Path }
        }
    }

    AfterAll {
        Stop-TestSandbox -Sandbox $script:Sandbox
    }

    It 'creates a call from a -BodyParameter and from the expanded parameters' {
        foreach ($name in 'create', 'create-expanded') {
            $result = Get-Result $name
            $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
            $result.types | Should -Be 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphCall'
            $result.values[0] | Should -Not -BeNullOrEmpty
        }
        $created = Get-Sent 'POST' '/beta/communications/calls'
        $created.Count | Should -Be 2
        $created[1].body.targets[0].identity.user.id | Should -Be 'u-expanded'
        $created[1].body.psobject.Properties.Name | Sort-Object | Should -Be @('callbackUri', 'mediaConfig', 'requestedModalities', 'targets')
    }

    It 'lists every page with -All -PageSize, and the total with -CountVariable' {
        $result = Get-Result 'list-all'
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.values | Should -Be @($script:Results['create'].values[0], $script:Results['create-expanded'].values[0], 'total=2')
        $result.types[0] | Should -Be 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphCall'
        $pages = @(Get-Sent 'GET' '/beta/communications/calls' | Where-Object { $_.query.'$top' -eq '1' -and $_.query.'$count' -eq 'true' })
        $pages.Count | Should -Be 2
    }

    It 'lists at most -Top items' {
        (Get-Result 'list-top').count | Should -Be 1
    }

    It 'sets -CountVariable in the caller''s scope' {
        (Get-Result 'count-variable-scope').values | Should -Be @('in=2', 'out=')
    }

    It 'gets one call, beta and v1.0, typed as each version''s model' {
        (Get-Result 'get').values | Should -Be $script:CallId
        (Get-Sent 'GET' "/beta/communications/calls/$script:CallId")[0].query.'$select' | Should -Be 'id,state'
        (Get-Result 'get-v1').types | Should -Be 'Microsoft.Graph.PowerShell.Models.MicrosoftGraphCall'
        (Get-Sent 'GET' "/v1.0/communications/calls/$script:CallId").Count | Should -Be 1
    }

    It 'lists, counts and gets participants, by ids and from a piped identity' {
        $participants = Get-Result 'participants'
        $participants.ok | Should -BeTrue -Because ($participants | ConvertTo-Json -Compress)
        $participants.count | Should -BeGreaterThan 0
        $participants.types | Select-Object -Unique | Should -Be 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphParticipant'
        (Get-Result 'participant-count').values | Should -Be $participants.count
        (Get-Result 'participant-count').types | Should -Be 'System.Int32'
        (Get-Result 'participant-identity').values | Should -Be $participants.values[-1]
    }

    It 'shows calls, participants and operations in their table views' {
        (Get-Result 'call-format').values | Should -Match '^Id\s+State\s+Direction$'
        (Get-Result 'participant-format').values[0] | Should -Match '^Id\s+Identity\s+IsMuted$'
        (Get-Result 'participant-format').values[1] | Should -Be 1
        (Get-Result 'mute-format').values | Should -Match '^Id\s+Status\s+ClientContext$'
    }

    It 'mutes a participant: a MicrosoftGraphMuteParticipantOperation' {
        $result = Get-Result 'mute'
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.types | Should -Be 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphMuteParticipantOperation'
        $participantId = $script:Results['participants'].values[-1]
        $sent = Get-Sent 'POST' "/beta/communications/calls/$script:CallId/participants/$participantId/mute"
        ($sent | Where-Object { $_.body.clientContext -eq 'ctx-mute' }).Count | Should -Be 1
    }

    It 'sends once per piped body and once per identity' {
        (Get-Result 'mute-body-pipeline').count | Should -Be 2
        (Get-Result 'mute-identities').count | Should -Be 2
        $participantId = $script:Results['participants'].values[-1]
        $sent = Get-Sent 'POST' "/beta/communications/calls/$script:CallId/participants/$participantId/mute"
        ($sent.body.clientContext | Where-Object { $_ -like 'ctx-body-*' }) | Should -Be @('ctx-body-1', 'ctx-body-2')
        @($sent.body.clientContext | Where-Object { $_ -eq 'ctx-identities' }).Count | Should -Be 2
    }

    It 'stops with the SDK''s error when an identity lacks an id' {
        $result = Get-Result 'mute-identity-missing'
        $result.ok | Should -BeFalse
        $result.message | Should -BeExactly 'InputObject has null value for InputObject.ParticipantId'
        $result.fqid | Should -BeExactly 'Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaMuteCommunicationCallParticipant_MuteViaIdentityExpanded'
        $result.category | Should -Be 'InvalidArgument'
    }

    It 'refuses a wrongly typed value before sending, naming its path, as the invite does' {
        $result = Get-Result 'wrong-type'
        $result.ok | Should -BeFalse
        $result.fqid | Should -BeExactly 'BodyError,Microsoft.Graph.Beta.PowerShell.Cmdlets.NewMgBetaCommunicationCall_CreateExpanded'
        $result.category | Should -Be 'InvalidArgument'
        $result.message | Should -Match '^RingingTimeoutInSeconds: '
        $body = Get-Result 'wrong-type-body'
        $body.fqid | Should -BeExactly 'BodyError,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaMuteCommunicationCallParticipant_Mute'
        $body.message | Should -Match 'clientContext'
        $notData = Get-Result 'not-data'
        $notData.fqid | Should -BeExactly 'BodyError,Microsoft.Graph.Beta.PowerShell.Cmdlets.NewMgBetaCommunicationCall_CreateExpanded'
        $notData.message | Should -Match '^Targets\[0\]: a value of type System\.Management\.Automation\.ScriptBlock'
        (Get-Sent 'POST' '/beta/communications/calls').Count | Should -Be 2
        $script:Requests | Where-Object { $_.body.clientContext.nested } | Should -BeNullOrEmpty
    }

    It 'sends nothing with -WhatIf, says what it would do in the SDK''s words, and shows the request with -Verbose' {
        (Get-Result 'whatif').count | Should -Be 0
        $script:Run.Output | Should -Match ([regex]::Escape(
                'What if: Performing the operation "Remove-MgBetaCommunicationCall_Delete" on target ' +
                "`"Call remote 'DELETE /communications/calls/{call-id}' operation`"."))
        $verbose = (Get-Result 'whatif-verbose').values
        $verbose | Should -Match "POST https://\S+/beta/communications/calls/$script:CallId/participants/\S+/mute"
        $verbose | Should -Match '"clientContext": "ctx-whatif"'
        $verbose | Should -Not -Match 'Bearer ey'
        $script:Requests | Where-Object { $_.body.clientContext -eq 'ctx-whatif' } | Should -BeNullOrEmpty
    }

    It 'asks before sending with -Confirm (which fails without a console), and not with -Confirm:$false' {
        (Get-Result 'confirm').ok | Should -BeFalse
        (Get-Result 'confirm').message | Should -Match 'NonInteractive'
        (Get-Result 'confirm-false').values | Should -Be $true
        (Get-Sent 'POST' "/beta/communications/calls/$script:CallId/keepAlive").Count | Should -Be 1
    }

    It 'sets the -ResponseHeadersVariable globally' {
        $requestId = (Get-Result 'rhv').values
        $requestId | Should -Not -BeNullOrEmpty
        ($script:Requests | Where-Object request_id -EQ $requestId).path | Should -Be "/beta/communications/calls/$script:CallId"
    }

    It 'removes a participant, writing $true with -PassThru, and sends -IfMatch and -Headers' {
        $result = Get-Result 'remove-participant'
        $result.ok | Should -BeTrue -Because ($result | ConvertTo-Json -Compress)
        $result.values | Should -Be $true
        $participantId = $script:Results['participants'].values[-1]
        $sent = Get-Sent 'DELETE' "/beta/communications/calls/$script:CallId/participants/$participantId"
        $sent.Count | Should -Be 1
        $sent[0].headers.'if-match' | Should -Be 'W/"1"'
        $sent[0].headers.'x-calls-test' | Should -Be 'remove'
    }

    It 'hangs up, writing nothing without -PassThru; the call then answers 404 as an SDK-shaped ErrorRecord' {
        $hangUp = Get-Result 'hang-up'
        $hangUp.ok | Should -BeTrue -Because ($hangUp | ConvertTo-Json -Compress)
        $hangUp.count | Should -Be 0
        (Get-Sent 'DELETE' "/beta/communications/calls/$script:CallId").Count | Should -Be 1
        $result = Get-Result 'after-hang-up'
        $result.ok | Should -BeFalse
        $result.fqid | Should -Match '^[^,]+,Microsoft\.Graph\.Beta\.PowerShell\.Cmdlets\.GetMgBetaCommunicationCall_Get$'
        $result.category | Should -Be 'InvalidOperation'
        $result.activity | Should -Be 'Get-MgBetaCommunicationCall_Get'
        $result.message | Should -Match '^\[[^\]]+\] : '
        $result.details | Should -Match '(?m)^Status: 404 \(NotFound\)'
        $result.details | Should -Match '(?m)^request-id\s+: \S+'
        $result.target.CallId | Should -Be $script:CallId
        (Get-Result 'after-hang-up-nonterminating').values | Should -Be '1 True'
    }

    It 'never shows a secret in any stream' {
        $script:Run.Output | Should -Not -Match ([regex]::Escape($script:Sandbox.client_secret))
        $script:Run.Errors | Should -Not -Match ([regex]::Escape($script:Sandbox.client_secret))
    }
}
