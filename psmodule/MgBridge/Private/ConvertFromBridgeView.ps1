function ConvertFromBridgeView {
    <#
    .SYNOPSIS
    Turns the core's "view" of a Graph object (the SDK output model's PascalCase shape) into the
    object the cmdlet writes: typed for the format view, AdditionalProperties as dictionaries.
    .DESCRIPTION
    The SDK exposes AdditionalProperties as IDictionary<string, object>, nested objects inside
    it as dictionaries too, so scripts index it: $op.AdditionalProperties['@odata.type'].
    The object and each object nested in it also carry the type name MgBridge.GraphObject, which
    gives them the SDK models' ToJsonString() (MgBridge.types.ps1xml).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # The view, as ConvertFrom-Json made it.
        [Parameter(Mandatory)]
        [pscustomobject] $View,

        # The SDK model type name, e.g. Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation.
        [Parameter(Mandatory)]
        [string] $TypeName
    )

    function ConvertToDictionary($value) {
        if ($value -is [System.Management.Automation.PSCustomObject]) {
            $dictionary = [System.Collections.Generic.Dictionary[string, object]]::new()
            foreach ($property in $value.psobject.Properties) { $dictionary[$property.Name] = ConvertToDictionary $property.Value }
            return , $dictionary
        }
        if ($value -is [object[]]) {
            $items = [System.Collections.Generic.List[object]]::new()
            foreach ($item in $value) { $items.Add((ConvertToDictionary $item)) }
            return , $items.ToArray()
        }
        $value
    }

    function ConvertNode($node) {
        $node.psobject.TypeNames.Insert(0, 'MgBridge.GraphObject')
        foreach ($property in $node.psobject.Properties) {
            if ($property.Name -eq 'AdditionalProperties') {
                $property.Value = ConvertToDictionary $property.Value
            } elseif ($property.Value -is [System.Management.Automation.PSCustomObject]) {
                ConvertNode $property.Value
            } elseif ($property.Value -is [object[]]) {
                foreach ($item in $property.Value) { if ($item -is [System.Management.Automation.PSCustomObject]) { ConvertNode $item } }
            }
        }
    }

    ConvertNode $View
    $View.psobject.TypeNames.Insert(0, $TypeName)
    $View
}
