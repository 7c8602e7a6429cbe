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
    even one the caller catches, would add records to the public command's -ErrorVariable. The recursion is bounded, so a self-referencing or
    1,000-level structure fails cleanly instead of overflowing the stack.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param(
        # The value to convert.
        [Parameter(Mandatory)]
        [AllowNull()]
        [AllowEmptyString()]
        [AllowEmptyCollection()]
        [object] $InputObject,

        # Where the value sits, for error messages: BodyParameter.Participants[0].Identity.
        [Parameter(Mandatory)]
        [string] $Path,

        # Receives why the value was refused; stays $null when it converts.
        [Parameter(Mandatory)]
        [ref] $Refusal
    )

    # A refusal is recorded here and unwinds by plain returns.
    $failure = @{ Message = $null }
    $tooDeep = 'nested more than 64 levels deep (or refers to itself); Graph bodies are far shallower.'

    # A plain nested function (no parameter binding) keeps the per-node cost low: this runs on
    # every node of every body.
    function ConvertNode($value, [string] $at, [int] $depth) {
        if ($null -eq $value) { return $null }
        if ($value -is [psobject]) {
            # A PSCustomObject's properties live on its wrapper, so it is read before unwrapping.
            if ($value.psobject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
                if ($depth -ge 64) { $failure.Message = "${at}: $tooDeep"; return }
                $result = [System.Collections.Specialized.OrderedDictionary]::new()
                foreach ($property in $value.psobject.Properties) {
                    # Only note properties are data; reading a script or code property would run
                    # its code and send whatever it returned.
                    if ($property.MemberType -ne [System.Management.Automation.PSMemberTypes]::NoteProperty) {
                        $failure.Message = "${at}.$($property.Name): a $($property.MemberType) computes its value; only data (note properties) can be sent."
                        return
                    }
                    $result[$property.Name] = ConvertNode $property.Value "$at.$($property.Name)" ($depth + 1)
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

        if ($depth -ge 64) { $failure.Message = "${at}: $tooDeep"; return }
        if ($value -is [System.Collections.IDictionary]) {
            $result = [System.Collections.Specialized.OrderedDictionary]::new()
            foreach ($entry in $value.GetEnumerator()) {
                if ($entry.Key -isnot [string]) {
                    $failure.Message = "${at}: the key $($entry.Key) is a $($entry.Key.GetType().Name); keys must be strings, as Graph property names are."
                    return
                }
                $result[$entry.Key] = ConvertNode $entry.Value "$at.$($entry.Key)" ($depth + 1)
                if ($failure.Message) { return }
            }
            return $result
        }
        if ($value -is [System.Collections.IEnumerable]) {
            $items = [System.Collections.Generic.List[object]]::new()
            foreach ($item in $value) {
                $items.Add((ConvertNode $item "$at[$($items.Count)]" ($depth + 1)))
                if ($failure.Message) { return }
            }
            return , $items.ToArray()
        }
        $failure.Message = "${at}: a value of type $($value.GetType().FullName) cannot be sent to Graph; " +
            'use text, a number, a boolean, a date, a hashtable, a PSCustomObject or an array.'
    }

    $converted = ConvertNode $InputObject $Path 0
    $Refusal.Value = $failure.Message
    if (-not $failure.Message) { , $converted }
}
