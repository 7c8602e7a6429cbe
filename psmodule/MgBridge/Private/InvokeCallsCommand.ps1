function InvokeCallsCommand {
    <#
    .SYNOPSIS
    The body of every command of the calls family (the generated ones and the invite cmdlets):
    one request per identity and body given.
    .DESCRIPTION
    Converts the bound values to plain data; the core shapes them into Graph JSON, choosing the
    operation (list or get) from the ids given. Anything but a GET asks ShouldProcess with the
    SDK's action and target text first. With -WhatIf nothing is sent; the core still plans the
    request (no token needed) so the verbose stream shows the exact request, and input the real
    call would refuse is reported now. An -InputObject without one of the ids is the SDK's
    terminating error.

    It runs on every call of every command, so it and the functions it calls are plain functions:
    the public command has already bound and validated everything, and advanced-function binding
    of these internal calls cost more than the work they do. The host's compiled conversion does
    the bodies once the in-process host is loaded. (Sending and presenting stay in their own
    function, InvokeGraphCommand: merged into this one, the bigger script cost pwsh about 60 MB of
    memory more when it compiled it, and saved under 0.1 ms a call.)
    #>
    [OutputType([pscustomobject], [int], [bool])]
    param(
        # The public cmdlet's $PSCmdlet.
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # beta or v1.0.
        [string] $ApiVersion,

        # The public cmdlet's $PSBoundParameters.
        [System.Collections.Generic.Dictionary[string, object]] $BoundParameters,

        # The path's ids by the SDK's parameter names (CallId, ParticipantId): what an -InputObject
        # must hold, and which bound parameters are ids rather than body properties.
        [string[]] $Ids = @(),

        # The request as the SDK's ShouldProcess text names it ('POST /communications/calls'); none
        # for a GET, which asks nothing.
        [string] $Request,

        # Send through the core's invite operation (the invite cmdlets), which also takes
        # -Participants items as JSON text; its arguments are named as session.invite's.
        [switch] $Invite
    )

    $setName = $Cmdlet.ParameterSetName
    $name = $Cmdlet.MyInvocation.MyCommand.Name
    $commandName = "${name}_$setName"
    $namespace = if ($ApiVersion -eq 'beta') { 'Microsoft.Graph.Beta.PowerShell.Cmdlets' } else { 'Microsoft.Graph.PowerShell.Cmdlets' }

    # Each accepted value kind is converted once here; a value that is not data stops this
    # record only, as the SDK's binding failures do. In the expanded sets, every bound parameter
    # that is neither an id nor a control parameter is a body property.
    $refusal = $null
    $bodies = @(
        if ($BoundParameters.ContainsKey('BodyParameter')) {
            $items = @($BoundParameters['BodyParameter'])
            for ($index = 0; $index -lt $items.Count -and -not $refusal; $index++) {
                $path = if ($items.Count -gt 1) { "BodyParameter[$index]" } else { 'BodyParameter' }
                if ($script:BridgeValues) {
                    [ordered]@{ body = [MgBridge.Host.Values]::ToData($items[$index], $path, [ref]$refusal) }
                } else {
                    [ordered]@{ body = ConvertToBridgeValue $items[$index] $path ([ref]$refusal) }
                }
            }
        } elseif ($setName -like '*Expanded') {
            $expanded = [ordered]@{}
            foreach ($entry in $BoundParameters.GetEnumerator()) {
                if ($refusal -or $entry.Key -in $Ids -or $script:BridgeControlParameters.Contains($entry.Key)) { continue }
                $value = $entry.Value
                if ($value -is [switch]) { $value = $value.IsPresent }
                # Assigned in each branch: an if statement's output would unroll a one-item array.
                if ($script:BridgeValues) {
                    $expanded[$entry.Key] = [MgBridge.Host.Values]::ToData($value, $entry.Key, [ref]$refusal)
                } else {
                    $expanded[$entry.Key] = ConvertToBridgeValue $value $entry.Key ([ref]$refusal)
                }
            }
            [ordered]@{ expanded = $expanded }
        } else {
            [ordered]@{}
        }
    )
    if ($refusal) {
        $Cmdlet.WriteError((NewBridgeErrorRecord -Exception ([System.ArgumentException]::new($refusal)) -ErrorId 'BodyError' `
                    -Category InvalidArgument -CommandName $commandName -Namespace $namespace))
        return
    }

    # The list options; the invite cmdlets have none.
    $query = [ordered]@{}
    if (-not $Invite) {
        foreach ($option in 'Top', 'Skip', 'Filter', 'Search', 'Sort', 'Property', 'ExpandProperty') {
            if ($BoundParameters.ContainsKey($option)) { $query[$option] = $BoundParameters[$option] }
        }
        if ($BoundParameters['CountVariable']) { $query['Count'] = $true }
    }
    $headers = $BoundParameters['Headers']
    if ($BoundParameters.ContainsKey('IfMatch')) {
        $headers = [ordered]@{ 'If-Match' = $BoundParameters['IfMatch'] }
        if ($BoundParameters['Headers']) {
            foreach ($entry in $BoundParameters['Headers'].GetEnumerator()) { $headers[$entry.Key] = $entry.Value }
        }
    }
    $operation = if ($Invite) { 'invite' } else { 'command' }

    $viaIdentity = $setName -like '*ViaIdentity*'
    # One pass per identity; the other sets make one pass, with the id parameters.
    $identities = [System.Collections.Generic.List[object]]::new()
    if ($viaIdentity) { $identities.AddRange([object[]]@($BoundParameters['InputObject'])) } else { $identities.Add($null) }
    :identities foreach ($identity in $identities) {
        $idValues = [ordered]@{}
        foreach ($id in $Ids) {
            if (-not $viaIdentity) {
                if ($BoundParameters.ContainsKey($id)) { $idValues[$id] = $BoundParameters[$id] }
                continue
            }
            $idValues[$id] = GetIdentityValue -InputObject $identity -Name $id -Refusal ([ref]$refusal)
            if ($refusal) {
                # An ambiguous identity stops this identity only, as a refused body does.
                $Cmdlet.WriteError((NewBridgeErrorRecord -Exception ([System.ArgumentException]::new($refusal)) -ErrorId 'BodyError' `
                            -Category InvalidArgument -CommandName $commandName -Namespace $namespace -TargetObject $identity))
                $refusal = $null
                continue identities
            }
            if (-not $idValues[$id]) {
                $missing = [System.Exception]::new("InputObject has null value for InputObject.$id")
                $Cmdlet.ThrowTerminatingError((NewBridgeErrorRecord -Exception $missing -Category InvalidArgument `
                            -CommandName $commandName -Namespace $namespace -TargetObject $identity))
            }
        }
        foreach ($body in $bodies) {
            if ($Invite) {
                # The reply's view is all this module shows: the core leaves out the Graph JSON.
                $arguments = [ordered]@{ api_version = $ApiVersion; call_id = $idValues['CallId']; view_only = $true }
                $given = if ($body.Contains('expanded')) { $body['expanded'] } else { $body }
                foreach ($entry in $given.GetEnumerator()) {
                    $arguments[($entry.Key -creplace '(?<=[a-z])([A-Z])', '_$1').ToLowerInvariant()] = $entry.Value
                }
            } else {
                $arguments = [ordered]@{ name = $name; ids = $idValues }
                foreach ($entry in $body.GetEnumerator()) { $arguments[$entry.Key] = $entry.Value }
                if ($query.Count) { $arguments['query'] = $query }
                if ($BoundParameters['All']) { $arguments['all_pages'] = $true }
                if ($BoundParameters.ContainsKey('PageSize')) { $arguments['page_size'] = $BoundParameters['PageSize'] }
            }
            # The error's TargetObject (the SDK's: the ids, headers and body of the request),
            # made into an object only when an error needs it.
            $target = [ordered]@{ ids = $idValues; Headers = $BoundParameters['Headers']; body = $body }
            if (-not $Request) {
                InvokeGraphCommand $Cmdlet $ApiVersion $operation $arguments $commandName $headers $target `
                    $BoundParameters['ResponseHeadersVariable'] $BoundParameters['CountVariable'] ([bool]$BoundParameters['PassThru'])
                continue
            }
            $question = "Performing the operation `"$commandName`" on target `"Call remote '$Request' operation`"."
            $reason = [System.Management.Automation.ShouldProcessReason]::None
            if ($Cmdlet.ShouldProcess($question, "Are you sure you want to perform this action?`n$question", 'Confirm', [ref]$reason)) {
                InvokeGraphCommand $Cmdlet $ApiVersion $operation $arguments $commandName $headers $target `
                    $BoundParameters['ResponseHeadersVariable'] $BoundParameters['CountVariable'] ([bool]$BoundParameters['PassThru'])
            } elseif ($reason -eq [System.Management.Automation.ShouldProcessReason]::WhatIf) {
                $plan = InvokeGraphCommand $Cmdlet $ApiVersion $operation $arguments $commandName $headers $target -Plan
                if ($plan) {
                    Write-Verbose -Message "$($plan.method) $($plan.url)"
                    foreach ($header in $plan.headers.psobject.Properties) { Write-Verbose -Message "$($header.Name): $($header.Value)" }
                    if ($null -ne $plan.body) { Write-Verbose -Message (ConvertTo-Json -InputObject $plan.body -Depth 100) }
                }
            }
        }
    }
}

# The bound parameters of an expanded set that are not body properties (besides the ids).
$script:BridgeControlParameters = [System.Collections.Generic.HashSet[string]]::new(
    [string[]]@(@('InputObject', 'Headers', 'ResponseHeadersVariable', 'IfMatch', 'PassThru') +
        [System.Management.Automation.PSCmdlet]::CommonParameters +
        [System.Management.Automation.PSCmdlet]::OptionalCommonParameters),
    [System.StringComparer]::OrdinalIgnoreCase)
