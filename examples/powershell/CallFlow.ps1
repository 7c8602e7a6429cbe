# A whole script written for the Microsoft Graph PowerShell SDK, run unchanged by mgbridge: it
# places a group call, invites two people, lists the roster, mutes one, removes the other, reads the
# operations the call went through and hangs up. It assumes Connect-MgGraph has been run, as SDK
# scripts do. examples/python/call_flow.py and examples/cli/call_flow.sh do the same.
Import-Module Microsoft.Graph.Beta.CloudCommunications

$params = @{
	"@odata.type" = "#microsoft.graph.call"
	subject = "Weekly sync"
	callbackUri = "https://bot.contoso.com/callback"
	targets = @(
		@{
			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
			identity = @{
				"@odata.type" = "#microsoft.graph.identitySet"
				user = @{
					"@odata.type" = "#microsoft.graph.identity"
					displayName = "John"
					id = "112f7296-5fa4-42ca-bae8-6a692b15d4b8"
				}
			}
		}
		@{
			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
			identity = @{
				"@odata.type" = "#microsoft.graph.identitySet"
				user = @{
					"@odata.type" = "#microsoft.graph.identity"
					displayName = "Jane"
					id = "98da8a1a-1b87-452c-a713-65d3f10b5555"
				}
			}
		}
	)
	requestedModalities = @(
		"audio"
	)
	mediaConfig = @{
		"@odata.type" = "#microsoft.graph.serviceHostedMediaConfig"
	}
}
$call = New-MgBetaCommunicationCall -BodyParameter $params
Write-Output "Call $($call.Id) is $($call.State)"

$deadline = (Get-Date).AddSeconds(30)
while ((Get-MgBetaCommunicationCall -CallId $call.Id).State -ne "established") {
	if ((Get-Date) -gt $deadline) { throw "The call was not established in time." }
	Start-Sleep -Milliseconds 200
}

$invitation = @{
	Participants = @(
		@{
			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
			Identity = @{
				"@odata.type" = "#microsoft.graph.identitySet"
				User = @{
					"@odata.type" = "#microsoft.graph.identity"
					Id = "278405a3-f568-4b3e-b684-009193463064"
					DisplayName = "Adele"
				}
			}
		}
		@{
			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
			Identity = @{
				"@odata.type" = "#microsoft.graph.identitySet"
				User = @{
					"@odata.type" = "#microsoft.graph.identity"
					Id = "1e126418-44a0-4a94-a6f8-0efe1ad71acb"
					DisplayName = "Bianca"
				}
			}
		}
	)
	ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
}
$operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $call.Id -BodyParameter $invitation
Write-Output "Invitation $($operation.Id) is $($operation.Status)"

$deadline = (Get-Date).AddSeconds(30)
do {
	if ((Get-Date) -gt $deadline) { throw "The invitation did not complete in time." }
	Start-Sleep -Milliseconds 200
	$operation = Get-MgBetaCommunicationCallOperation -CallId $call.Id -CommsOperationId $operation.Id
} while ($operation.Status -notin "completed", "failed")

$participants = Get-MgBetaCommunicationCallParticipant -CallId $call.Id -All
$adele = $participants | Where-Object { $_.Info.Identity.User.Id -eq "278405a3-f568-4b3e-b684-009193463064" }
$bianca = $participants | Where-Object { $_.Info.Identity.User.Id -eq "1e126418-44a0-4a94-a6f8-0efe1ad71acb" }
$people = $participants | Where-Object { $_.Info.Identity.User } | ForEach-Object { $_.Info.Identity.User.DisplayName }
Write-Output "$($participants.Count) participants: $($people -join ', ')"

$mute = Invoke-MgBetaMuteCommunicationCallParticipant -CallId $call.Id -ParticipantId $adele.Id -ClientContext "mute-adele"
Write-Output "Muting Adele: $($mute.Status)"
Remove-MgBetaCommunicationCallParticipant -CallId $call.Id -ParticipantId $bianca.Id
Write-Output "Removed Bianca; $((Get-MgBetaCommunicationCallParticipant -CallId $call.Id).Count) participants left"

Get-MgBetaCommunicationCallOperation -CallId $call.Id | ForEach-Object {
	Write-Output "Operation $($_.Id): $($_.Status) ($($_.ClientContext))"
}

Remove-MgBetaCommunicationCall -CallId $call.Id
Write-Output "Hung up"
