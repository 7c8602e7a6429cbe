function ConvertToBridgeValue {
    <#
    .SYNOPSIS
    Turns a PowerShell value into plain JSON data (string, number, boolean, $null, ordered
    dictionary, object[]) for the Python core, at any depth up to 64 levels.
    .DESCRIPTION
    Dictionary keys keep the caller's spelling and case (the core decides Graph casing), in a
    case-sensitive ordered dictionary so that the two keys of a case-sensitive table
    (ConvertFrom-Json -AsHashtable) both survive. Dates become ISO 8601 UTC text, durations
    ISO 8601 durations, enums their names. Anything that is not data (a SecureString, a
    ScriptBlock, a certificate...) is refused: the message, naming its path, goes to -Refusal
    and $null is returned, so nothing is sent by accident. Nothing is thrown: an exception,
    even one the caller catches, would add records to the public command's -ErrorVariable. The
    recursion is bounded, so a self-referencing or 1,000-level structure fails cleanly instead of
    overflowing the stack.

    It runs on every body of every call, so it is a plain function (advanced-function binding
    costs more than converting a typical body). Once the module's host assembly is loaded (the
    in-process transport loads it), its compiled copy of this walk does the work
    ([MgBridge.Host.Values]::ToData: the same rules and messages, without a script function call
    per node); ConvertBridgeNode below is the reference and the fallback.
    #>
    [OutputType([object])]
    param(
        # The value to convert.
        [object] $InputObject,

        # Where the value sits, for error messages: BodyParameter.Participants[0].Identity.
        [string] $Path,

        # Receives why the value was refused; stays $null when it converts.
        [ref] $Refusal
    )

    if (-not $script:BridgeValues) { $script:BridgeValues = [bool]('MgBridge.Host.Values' -as [type]) }
    if ($script:BridgeValues) {
        $reason = $null
        $converted = [MgBridge.Host.Values]::ToData($InputObject, $Path, [ref]$reason)
        $Refusal.Value = $reason
        if (-not $reason) { , $converted }
        return
    }
    # A refusal is recorded here (ConvertBridgeNode sees it through the caller's scope) and
    # unwinds by plain returns.
    $failure = @{ Message = $null }
    $converted = ConvertBridgeNode $InputObject $Path 0
    $Refusal.Value = $failure.Message
    if (-not $failure.Message) { , $converted }
}

$script:BridgeTooDeep = 'nested more than 64 levels deep (or refers to itself); Graph bodies are far shallower.'

# The walk of ConvertToBridgeValue: one call per node that is not plain text or $null (those,
# most of a body's leaves, are copied by the container's loop without a call). A plain function
# with positional parameters keeps the per-node cost low.
function ConvertBridgeNode($value, [string] $at, [int] $depth) {
    if ($null -eq $value) { return $null }
    if ($value -is [psobject]) {
        # A PSCustomObject's properties live on its wrapper, so it is read before unwrapping.
        if ($value.psobject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
            if ($depth -ge 64) { $failure.Message = "${at}: $script:BridgeTooDeep"; return }
            $result = [System.Collections.Specialized.OrderedDictionary]::new()
            foreach ($property in $value.psobject.Properties) {
                # Only note properties are data; reading a script or code property would run
                # its code and send whatever it returned.
                if ($property.MemberType -ne [System.Management.Automation.PSMemberTypes]::NoteProperty) {
                    $failure.Message = "${at}.$($property.Name): a $($property.MemberType) computes its value; only data (note properties) can be sent."
                    return
                }
                $item = $property.Value
                if ($null -eq $item) { $result[$property.Name] = $null; continue }
                if ($item -is [string]) { $result[$property.Name] = [string]$item; continue }
                $result[$property.Name] = ConvertBridgeNode $item "$at.$($property.Name)" ($depth + 1)
                if ($failure.Message) { return }
            }
            return $result
        }
        $value = $value.psobject.BaseObject
    }
    if ($value -is [string]) { return $value }
    if ($value -is [enum]) { return $value.ToString() }
    $code = [System.Type]::GetTypeCode($value.GetType())
    if ($code -eq [System.TypeCode]::Boolean) { return $value }
    if ($code -ge [System.TypeCode]::SByte -and $code -le [System.TypeCode]::Decimal) {
        if (($code -eq [System.TypeCode]::Single -or $code -eq [System.TypeCode]::Double) -and
            ([double]::IsNaN($value) -or [double]::IsInfinity($value))) {
            $failure.Message = "${at}: $value is not a finite number; JSON has no such value."
            return
        }
        return $value
    }
    if ($code -eq [System.TypeCode]::DateTime) {
        return $value.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.FFFFFFFZ', [cultureinfo]::InvariantCulture)
    }
    if ($code -eq [System.TypeCode]::Char) { return [string]$value }
    if ($code -eq [System.TypeCode]::DBNull) { return $null }
    if ($value -is [System.DateTimeOffset]) {
        return $value.UtcDateTime.ToString('yyyy-MM-ddTHH:mm:ss.FFFFFFFZ', [cultureinfo]::InvariantCulture)
    }
    if ($value -is [System.TimeSpan]) { return [System.Xml.XmlConvert]::ToString($value) }
    if ($value -is [guid] -or $value -is [uri]) { return $value.ToString() }

    if ($depth -ge 64) { $failure.Message = "${at}: $script:BridgeTooDeep"; return }
    if ($value -is [System.Collections.IDictionary]) {
        $result = [System.Collections.Specialized.OrderedDictionary]::new()
        foreach ($entry in $value.GetEnumerator()) {
            $key = $entry.Key
            if ($key -isnot [string]) {
                $failure.Message = "${at}: the key $key is a $($key.GetType().Name); keys must be strings, as Graph property names are."
                return
            }
            $item = $entry.Value
            if ($null -eq $item) { $result[$key] = $null; continue }
            if ($item -is [string]) { $result[$key] = [string]$item; continue }
            $result[$key] = ConvertBridgeNode $item "$at.$key" ($depth + 1)
            if ($failure.Message) { return }
        }
        return $result
    }
    if ($value -is [System.Collections.IEnumerable]) {
        $items = [System.Collections.Generic.List[object]]::new()
        foreach ($item in $value) {
            if ($null -eq $item) { $items.Add($null); continue }
            if ($item -is [string]) { $items.Add([string]$item); continue }
            $items.Add((ConvertBridgeNode $item "$at[$($items.Count)]" ($depth + 1)))
            if ($failure.Message) { return }
        }
        return , $items.ToArray()
    }
    $failure.Message = "${at}: a value of type $($value.GetType().FullName) cannot be sent to Graph; " +
        'use text, a number, a boolean, a date, a hashtable, a PSCustomObject or an array.'
}
