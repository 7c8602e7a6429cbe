function GetIdentityValue {
    <#
    .SYNOPSIS
    Reads one key (CallId, CommsOperationId) of an -InputObject identity, as the SDK's identity
    type converter does: from a dictionary, an object's property or '{...}' JSON text, with the
    name matched case-insensitively; $null when absent or empty.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # One identity: a hashtable, [ordered], OrderedHashtable, PSCustomObject or JSON text.
        [Parameter(Mandatory)]
        [AllowNull()]
        [object] $InputObject,

        # The identity key.
        [Parameter(Mandatory)]
        [string] $Name,

        # Receives why the identity is unusable (the key given twice); stays $null otherwise.
        [Parameter(Mandatory)]
        [ref] $Refusal
    )

    $value = $null
    if ($InputObject -is [string]) {
        $text = $InputObject.Trim()
        if ($text.StartsWith('{') -and $text.EndsWith('}')) {
            try { $InputObject = ConvertFrom-Json -InputObject $text -AsHashtable } catch { return $null }
        }
    }
    if ($InputObject -is [System.Collections.IDictionary]) {
        # An OrderedHashtable from ConvertFrom-Json -AsHashtable is case-sensitive: search by hand.
        $found = @($InputObject.Keys | Where-Object { [string]::Equals([string]$_, $Name, [System.StringComparison]::OrdinalIgnoreCase) })
        if ($found.Count -gt 1) {
            $Refusal.Value = "InputObject.${Name}: given $($found.Count) times, in keys that differ only in case ($($found -join ', ')); keep one."
            return $null
        }
        if ($found.Count -eq 1) { $value = $InputObject[$found[0]] }
    } elseif ($null -ne $InputObject -and $InputObject -isnot [string]) {
        $property = $InputObject.psobject.Properties[$Name]
        if ($property) { $value = $property.Value }
    }
    if ($null -eq $value -or [string]$value -eq '') { return $null }
    [string]$value
}
