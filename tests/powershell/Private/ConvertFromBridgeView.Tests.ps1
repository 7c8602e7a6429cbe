# The output objects: the host's compiled presenter ([MgBridge.Host.Views]::Present, what the
# in-process transport uses, from the reply as ConvertFrom-Json -AsHashtable or ConvertFrom-Json
# parses it) makes the same objects as ConvertFromBridgeView.ps1 (the reference, and what the
# module uses without the host), node for node: type names, property names and order, .NET types
# and values, dictionaries where the SDK has them. Views.ToObjects makes what ConvertFrom-Json
# makes.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'TestHelpers.psm1') -Force
    Import-Module (Get-ModuleManifestPath) -Force
    # Loads the host (and starts Python in this process, as any in-process call does).
    $script:HostLoaded = InModuleScope MgBridge {
        try { $null = InvokeBridge hosting_info; [bool]('MgBridge.Host.Views' -as [type]) } catch { $false }
    }

    # Every node as text: its .NET type, its type names, and its members in order.
    function Show-Node($value, [string] $at = '$') {
        if ($null -eq $value) { return "$at = null" }
        if ($value -is [System.Management.Automation.PSCustomObject]) {
            "$at : PSCustomObject [$($value.psobject.TypeNames -join ', ')]"
            foreach ($property in $value.psobject.Properties) {
                "$at.$($property.Name) ($($property.MemberType))"
                if ($property.MemberType -eq 'NoteProperty') { Show-Node $property.Value "$at.$($property.Name)" }
            }
            return
        }
        if ($value -is [System.Collections.IDictionary]) {
            "$at : $($value.GetType().FullName)"
            foreach ($entry in $value.GetEnumerator()) { Show-Node $entry.Value "$at['$($entry.Key)']" }
            return
        }
        if ($value -is [array]) {
            "$at : $($value.GetType().FullName) of $($value.Count)"
            for ($index = 0; $index -lt $value.Count; $index++) { Show-Node $value[$index] "$at[$index]" }
            return
        }
        "$at = $($value.GetType().FullName) $value"
    }

    function Compare-Presenters([string] $Json, [string] $TypeName = 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphCall') {
        InModuleScope MgBridge -Parameters @{ Json = $Json; TypeName = $TypeName } {
            param($Json, $TypeName)
            [pscustomobject]@{
                Script     = ConvertFromBridgeView -View ($Json | ConvertFrom-Json) -TypeName $TypeName
                Compiled   = [MgBridge.Host.Views]::Present(($Json | ConvertFrom-Json), $TypeName)
                Hashtables = [MgBridge.Host.Views]::Present(($Json | ConvertFrom-Json -AsHashtable), $TypeName)
                Objects    = [MgBridge.Host.Views]::ToObjects(($Json | ConvertFrom-Json -AsHashtable))
                Json       = $Json | ConvertFrom-Json
            }
        }
    }
}

AfterAll {
    Remove-Module -Name MgBridge -Force -ErrorAction Ignore
}

Describe 'The compiled presenter' {
    It 'makes the same objects as ConvertFromBridgeView for <Name>' -TestCases @(
        @{ Name = 'an invite operation'; Json = '{"Id":"op","Status":"Running","ClientContext":"c","ResultInfo":null,"Participants":[{"Identity":{"User":{"Id":"u","DisplayName":null,"AdditionalProperties":{"@odata.type":"#microsoft.graph.identity","identityProvider":"AAD"}},"Application":null,"AdditionalProperties":{"phone":null}},"Hidden":null,"AdditionalProperties":{"id":null}}],"AdditionalProperties":{"@odata.context":"https://x/$metadata#y","@odata.type":"#microsoft.graph.inviteParticipantsOperation"}}' }
        @{ Name = 'nested objects and arrays in AdditionalProperties'; Json = '{"AdditionalProperties":{"a":{"b":[1,{"c":[[2,"x"],[]]},null,true],"d":{}},"e":[],"f":1.5,"g":"2024-05-06T07:08:09Z"},"Id":"x"}' }
        @{ Name = 'arrays of objects, of scalars and empty, at any depth'; Json = '{"Items":[{"Inner":{"Deep":[{"AdditionalProperties":{"k":"v"}}]}},"text",3],"Empty":[],"Numbers":[1,2,9007199254740993],"Nothing":null,"When":"2024-05-06T07:08:09Z"}' }
        @{ Name = 'an AdditionalProperties property in any casing'; Json = '{"additionalproperties":{"x":{"y":1}},"Child":{"ADDITIONALPROPERTIES":{"z":[{"w":null}]}}}' }
        @{ Name = 'objects in nested arrays'; Json = '{"Grid":[[{"AdditionalProperties":{"a":1}}],[]],"Rows":[{"Cells":[[{"V":1}]]}]}' }
    ) {
        param($Json)
        if (-not $script:HostLoaded) { Set-ItResult -Skipped -Because 'the in-process host is not built here'; return }
        $result = Compare-Presenters $Json
        $expected = (Show-Node $result.Script) -join "`n"
        (Show-Node $result.Compiled) -join "`n" | Should -BeExactly $expected
        (Show-Node $result.Hashtables) -join "`n" | Should -BeExactly $expected
        (Show-Node $result.Objects) -join "`n" | Should -BeExactly ((Show-Node $result.Json) -join "`n")
        $result.Hashtables.psobject.TypeNames[0] | Should -BeExactly 'Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphCall'
    }
}
