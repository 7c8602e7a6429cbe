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
    ScriptBlock, a certificate...) is refused with an ArgumentException naming its path, so
    nothing is sent by accident. The recursion is bounded, so a self-referencing or
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
        [string] $Path
    )

    function ThrowTooDeep([string] $at) {
        throw [System.ArgumentException]::new("${at}: nested more than 64 levels deep (or refers to itself); Graph bodies are far shallower.")
    }

    # A plain nested function (no parameter binding) keeps the per-node cost low: this runs on
    # every node of every body.
    function ConvertNode($value, [string] $at, [int] $depth) {
        if ($null -eq $value) { return $null }
        if ($value -is [psobject]) {
            # A PSCustomObject's properties live on its wrapper, so it is read before unwrapping.
            if ($value.psobject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
                if ($depth -ge 64) { ThrowTooDeep $at }
                $result = [System.Collections.Specialized.OrderedDictionary]::new()
                foreach ($property in $value.psobject.Properties) {
                    $result[$property.Name] = ConvertNode $property.Value "$at.$($property.Name)" ($depth + 1)
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
                throw [System.ArgumentException]::new("${at}: $value is not a finite number; JSON has no such value.")
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

        if ($depth -ge 64) { ThrowTooDeep $at }
        if ($value -is [System.Collections.IDictionary]) {
            $result = [System.Collections.Specialized.OrderedDictionary]::new()
            foreach ($entry in $value.GetEnumerator()) {
                $key = [string]$entry.Key
                $result[$key] = ConvertNode $entry.Value "$at.$key" ($depth + 1)
            }
            return $result
        }
        if ($value -is [System.Collections.IEnumerable]) {
            $items = [System.Collections.Generic.List[object]]::new()
            foreach ($item in $value) {
                $items.Add((ConvertNode $item "$at[$($items.Count)]" ($depth + 1)))
            }
            return , $items.ToArray()
        }
        throw [System.ArgumentException]::new(
            "${at}: a value of type $($value.GetType().FullName) cannot be sent to Graph; " +
            'use text, a number, a boolean, a date, a hashtable, a PSCustomObject or an array.')
    }

    , (ConvertNode $InputObject $Path 0)
}
