# ErrorRecords shaped like the Graph SDK's, from core error replies.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'TestHelpers.psm1') -Force
    Import-Module (Get-ModuleManifestPath) -Force
}

AfterAll {
    Remove-Module -Name MgBridge -Force -ErrorAction Ignore
}

Describe 'NewBridgeErrorRecord' {
    It 'makes a Graph error look like the SDK internal cmdlet wrote it' {
        $record = InModuleScope MgBridge {
            function Invoke-Probe {
                [CmdletBinding()]
                param()
                $graphError = [pscustomobject]@{
                    type = 'GraphError'; message = '[8522] Call not found'; status = 404; code = '8522'; graph_message = 'Call not found'
                    request_id = 'req-1'; client_request_id = 'client-1'; date = '2024-02-26T16:02:32Z'; retry_after = $null
                    headers = [pscustomobject]@{ 'request-id' = 'req-1'; 'client-request-id' = 'client-1' }
                }
                $PSCmdlet.WriteError((NewBridgeErrorRecord -BridgeError $graphError -CommandName 'Invoke-MgBetaInviteCommunicationCallParticipant_Invite' `
                            -Namespace 'Microsoft.Graph.Beta.PowerShell.Cmdlets' -TargetObject 'target'))
            }
            Invoke-Probe -ErrorAction SilentlyContinue -ErrorVariable written
            $written[0]
        }
        $record.FullyQualifiedErrorId | Should -BeExactly '8522,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaInviteCommunicationCallParticipant_Invite'
        $record.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $record.CategoryInfo.Activity | Should -Be 'Invoke-MgBetaInviteCommunicationCallParticipant_Invite'
        $record.Exception.Message | Should -BeExactly '[8522] : Call not found'
        $record.TargetObject | Should -Be 'target'
        $record.ErrorDetails.Message | Should -Match '(?m)^Status: 404 \(NotFound\)$'
        $record.ErrorDetails.Message | Should -Match '(?m)^ErrorCode: 8522$'
        $record.ErrorDetails.Message | Should -Match '(?m)^Date: 2024-02-26T16:02:32'
        $record.ErrorDetails.Message | Should -Match '(?m)^request-id\s+: req-1$'
        $record.InvocationInfo.ScriptLineNumber | Should -BeGreaterThan 0
    }

    It 'keeps the SDK id when the error stops the script, through ThrowTerminatingError and -ErrorAction Stop' {
        $ids = InModuleScope MgBridge {
            function Invoke-Probe {
                [CmdletBinding()]
                param([switch] $Terminate)
                $record = NewBridgeErrorRecord -Exception ([System.Exception]::new('boom')) -ErrorId 'Code' `
                    -CommandName 'Invoke-MgBetaInviteCommunicationCallParticipant_Invite' -Namespace 'Microsoft.Graph.Beta.PowerShell.Cmdlets'
                if ($Terminate) { $PSCmdlet.ThrowTerminatingError($record) } else { $PSCmdlet.WriteError($record) }
            }
            try { Invoke-Probe -Terminate } catch { $_.FullyQualifiedErrorId }
            try { Invoke-Probe -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
        }
        $ids | Should -Be (@('Code,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaInviteCommunicationCallParticipant_Invite') * 2)
    }

    It 'maps <Type> to <Category>' -TestCases @(
        @{ Type = 'BodyError'; Category = 'InvalidArgument'; Exception = [System.ArgumentException]; Id = 'BodyError' }
        @{ Type = 'AuthError'; Category = 'AuthenticationError'; Exception = [System.Security.Authentication.AuthenticationException]; Id = 'NotConnected' }
        @{ Type = 'TransportError'; Category = 'ConnectionError'; Exception = [System.Net.Http.HttpRequestException]; Id = '' }
        @{ Type = 'KeyError'; Category = 'NotSpecified'; Exception = [System.InvalidOperationException]; Id = 'MgBridge.CoreError' }
    ) {
        param($Type, $Category, $Exception, $Id)
        $record = InModuleScope MgBridge -Parameters @{ Type = $Type } {
            param($Type)
            $bridgeError = [pscustomobject]@{ type = $Type; message = 'boom'; code = 'NotConnected'; may_have_been_processed = $true }
            NewBridgeErrorRecord -BridgeError $bridgeError -CommandName 'Invoke-MgInviteCommunicationCallParticipant_InviteExpanded' `
                -Namespace 'Microsoft.Graph.PowerShell.Cmdlets'
        }
        $record.CategoryInfo.Category | Should -Be $Category
        $record.Exception | Should -BeOfType $Exception
        $expected = ("$Id,Microsoft.Graph.PowerShell.Cmdlets.InvokeMgInviteCommunicationCallParticipant_InviteExpanded").TrimStart(',')
        $record.FullyQualifiedErrorId | Should -BeExactly $expected
    }
}
