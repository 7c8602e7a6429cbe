function Invoke-MgBetaInviteCommunicationCallParticipant {
    <#
    .SYNOPSIS
    Invites one or more participants to an active call (Microsoft Graph beta: POST /communications/calls/{call-id}/participants/invite).
    .DESCRIPTION
    Invites participants to an active call, or moves a participant from another call into this one
    (with ReplacesCallId and ParticipantId), and returns the inviteParticipantsOperation that Graph
    created to track the invitation; read it again with Get-MgBetaCommunicationCallOperation.
    The call must have been created by the same application (app-only sign-in: see Connect-MgGraph).

    This is the mgbridge drop-in for the Microsoft Graph PowerShell SDK cmdlet of the same name
    (module Microsoft.Graph.Beta.CloudCommunications); do not load both in one session. Scripts written
    for the SDK run unchanged: the body is a hashtable (or [ordered] table, PSCustomObject,
    ConvertFrom-Json -AsHashtable table, or JSON text) with keys in any casing. Unlike the SDK,
    known properties are sent in Graph's camelCase, and a value of the wrong type is reported as an
    error naming its path (Participants[0].Identity.User.Id) before anything is sent; the SDK drops
    such values silently.
    With -WhatIf nothing is sent; add -Verbose to see the exact request that would be.
    .EXAMPLE
    Import-Module Microsoft.Graph.Beta.CloudCommunications
    $params = @{
    	Participants = @(
    		@{
    			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
    			ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db"
    			Identity = @{
    				"@odata.type" = "#microsoft.graph.identitySet"
    				User = @{
    					"@odata.type" = "#microsoft.graph.identity"
    					Id = "278405a3-f568-4b3e-b684-009193463064"
    					IdentityProvider = "AAD"
    				}
    			}
    		}
    	)
    	ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
    }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params

    This example shows how to use the Invoke-MgBetaInviteCommunicationCallParticipant Cmdlet.
    To learn about permissions for this resource, see the [permissions reference](/graph/permissions-reference).
    .EXAMPLE
    Import-Module Microsoft.Graph.Beta.CloudCommunications
    $params = @{
    	Participants = @(
    		@{
    			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
    			ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db"
    			Identity = @{
    				"@odata.type" = "#microsoft.graph.identitySet"
    				User = @{
    					"@odata.type" = "#microsoft.graph.identity"
    					Id = "278405a3-f568-4b3e-b684-009193463064"
    					IdentityProvider = "AAD"
    				}
    			}
    		}
    	)
    	ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
    }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params

    This example shows how to use the Invoke-MgBetaInviteCommunicationCallParticipant Cmdlet.
    To learn about permissions for this resource, see the [permissions reference](/graph/permissions-reference).
    .EXAMPLE
    Import-Module Microsoft.Graph.Beta.CloudCommunications
    $params = @{
    	Participants = @(
    		@{
    			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
    			ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db"
    			Identity = @{
    				"@odata.type" = "#microsoft.graph.identitySet"
    				User = @{
    					"@odata.type" = "#microsoft.graph.identity"
    					Id = "278405a3-f568-4b3e-b684-009193463064"
    					IdentityProvider = "AAD"
    				}
    			}
    		}
    	)
    	ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
    }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params

    This example shows how to use the Invoke-MgBetaInviteCommunicationCallParticipant Cmdlet.
    To learn about permissions for this resource, see the [permissions reference](/graph/permissions-reference).
    .EXAMPLE
    Import-Module Microsoft.Graph.Beta.CloudCommunications
    $params = @{
    	Participants = @(
    		@{
    			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
    			Identity = @{
    				"@odata.type" = "#microsoft.graph.identitySet"
    				Phone = @{
    					"@odata.type" = "#microsoft.graph.identity"
    					Id = "+12345678901"
    				}
    			}
    		}
    	)
    	ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
    }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params

    This example shows how to use the Invoke-MgBetaInviteCommunicationCallParticipant Cmdlet.
    To learn about permissions for this resource, see the [permissions reference](/graph/permissions-reference).
    .EXAMPLE
    Import-Module Microsoft.Graph.Beta.CloudCommunications
    $params = @{
    	Participants = @(
    		@{
    			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
    			ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db"
    			Identity = @{
    				"@odata.type" = "#microsoft.graph.identitySet"
    				User = @{
    					"@odata.type" = "#microsoft.graph.identity"
    					Id = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe"
    					IdentityProvider = "AAD"
    				}
    			}
    		}
    	)
    	ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
    }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params

    This example shows how to use the Invoke-MgBetaInviteCommunicationCallParticipant Cmdlet.
    To learn about permissions for this resource, see the [permissions reference](/graph/permissions-reference).
    .EXAMPLE
    Import-Module Microsoft.Graph.Beta.CloudCommunications
    $params = @{
    	Participants = @(
    		@{
    			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
    			ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db"
    			ParticipantId = "7d501bf1-5ee4-4605-ba92-0ae4513c611c"
    			Identity = @{
    				"@odata.type" = "#microsoft.graph.identitySet"
    				User = @{
    					"@odata.type" = "#microsoft.graph.identity"
    					Id = "682b6c37-0729-4fab-ace6-d730d5d9137e"
    					IdentityProvider = "AAD"
    				}
    			}
    		}
    	)
    	ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
    }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params

    This example shows how to use the Invoke-MgBetaInviteCommunicationCallParticipant Cmdlet.
    To learn about permissions for this resource, see the [permissions reference](/graph/permissions-reference).
    .EXAMPLE
    Import-Module Microsoft.Graph.Beta.CloudCommunications
    $params = @{
    	Participants = @(
    		@{
    			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
    			ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db"
    			Identity = @{
    				"@odata.type" = "#microsoft.graph.identitySet"
    				User = @{
    					"@odata.type" = "#microsoft.graph.identity"
    					Id = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe"
    					IdentityProvider = "AAD"
    				}
    			}
    		}
    		@{
    			"@odata.type" = "#microsoft.graph.invitationParticipantInfo"
    			ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db"
    			Identity = @{
    				"@odata.type" = "#microsoft.graph.identitySet"
    				User = @{
    					"@odata.type" = "#microsoft.graph.identity"
    					Id = "1e126418-44a0-4a94-a6f8-0efe1ad71acb"
    					IdentityProvider = "AAD"
    				}
    			}
    		}
    	)
    	ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
    }
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params

    This example shows how to use the Invoke-MgBetaInviteCommunicationCallParticipant Cmdlet.
    To learn about permissions for this resource, see the [permissions reference](/graph/permissions-reference).
    .EXAMPLE
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -ClientContext "f2fa86af-3c51-4bc2-8fc0-475452d9764f" -Participants @{
        Identity = @{ User = @{ Id = "278405a3-f568-4b3e-b684-009193463064"; IdentityProvider = "AAD" } }
    }

    The same invitation with the expanded parameters (parameter set InviteExpanded).
    .EXAMPLE
    $params = @{ Participants = @(@{ Identity = @{ User = @{ Id = "278405a3-f568-4b3e-b684-009193463064" } } }) }
    @{ CallId = $callId } | Invoke-MgBetaInviteCommunicationCallParticipant -BodyParameter $params

    Takes the call from an identity object on the pipeline (parameter set InviteViaIdentity); any object
    with a CallId key or property works.
    .EXAMPLE
    $operation = Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params -ResponseHeadersVariable headers
    $headers["request-id"]
    Get-MgBetaCommunicationCallOperation -CallId $callId -CommsOperationId $operation.Id

    Keeps the response headers in the global variable $headers, then reads the operation again to
    see whether the invitation completed.
    .EXAMPLE
    Invoke-MgBetaInviteCommunicationCallParticipant -CallId $callId -BodyParameter $params -WhatIf -Verbose

    Sends nothing; shows what would be done and, on the verbose stream, the exact request (URL, headers
    without the token, and JSON body).
    .INPUTS
    Microsoft.Graph.Beta.PowerShell.Models.ICloudCommunicationsIdentity
    .INPUTS
    Microsoft.Graph.Beta.PowerShell.Models.IPaths1Bh76WaCommunicationsCallsCallIdParticipantsMicrosoftGraphInvitePostRequestbodyContentApplicationJsonSchema
    .OUTPUTS
    Microsoft.Graph.Beta.PowerShell.Models.IMicrosoftGraphInviteParticipantsOperation
    .NOTES
    Errors are written like the SDK's: non-terminating (use -ErrorAction Stop to catch them), with
    FullyQualifiedErrorId "<Graph error code>,Microsoft.Graph.Beta.PowerShell.Cmdlets.InvokeMgBetaInviteCommunicationCallParticipant_<parameter set>"
    and ErrorDetails holding the status, error code, date and response headers (request-id).
    .LINK
    https://learn.microsoft.com/graph/api/participant-invite?view=graph-rest-beta
    .LINK
    Invoke-MgInviteCommunicationCallParticipant
    .LINK
    Get-MgBetaCommunicationCallOperation
    #>
    [CmdletBinding(DefaultParameterSetName = 'InviteExpanded', PositionalBinding = $false,
        SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphInviteParticipantsOperation')]
    param(
        # The unique identifier of the call.
        [Parameter(Mandatory, ParameterSetName = 'InviteExpanded')]
        [Parameter(Mandatory, ParameterSetName = 'Invite')]
        [string] $CallId,

        # An identity holding the call's id under CallId (any key casing): a hashtable, [ordered]
        # table, PSCustomObject or JSON text. Takes pipeline input; an array invites once per
        # identity.
        [Parameter(Mandatory, ParameterSetName = 'InviteViaIdentityExpanded', ValueFromPipeline)]
        [Parameter(Mandatory, ParameterSetName = 'InviteViaIdentity', ValueFromPipeline)]
        [object] $InputObject,

        # The whole request body: Participants (invitationParticipantInfo items: Identity,
        # ReplacesCallId, ParticipantId, Hidden, RemoveFromDefaultAudioRoutingGroup, EndpointType) and
        # ClientContext, plus any other property. A hashtable, [ordered] table, ConvertFrom-Json
        # -AsHashtable table, PSCustomObject or JSON text, keys in any casing. Takes pipeline
        # input; an array invites once per body.
        [Parameter(Mandatory, ParameterSetName = 'Invite', ValueFromPipeline)]
        [Parameter(Mandatory, ParameterSetName = 'InviteViaIdentity', ValueFromPipeline)]
        [object] $BodyParameter,

        # The participants to invite: one or more invitationParticipantInfo tables or objects (see
        # BodyParameter).
        [Parameter(ParameterSetName = 'InviteExpanded')]
        [Parameter(ParameterSetName = 'InviteViaIdentityExpanded')]
        [object[]] $Participants,

        # A unique client context string, echoed in the operation and its notifications.
        [Parameter(ParameterSetName = 'InviteExpanded')]
        [Parameter(ParameterSetName = 'InviteViaIdentityExpanded')]
        [string] $ClientContext,

        # Further body properties, sent along with Participants and ClientContext.
        [Parameter(ParameterSetName = 'InviteExpanded')]
        [Parameter(ParameterSetName = 'InviteViaIdentityExpanded')]
        [System.Collections.IDictionary] $AdditionalProperties,

        # Optional headers that will be added to the request.
        [System.Collections.IDictionary] $Headers,

        # The name of a global variable that receives the response headers (a case-insensitive
        # dictionary of string arrays) when the request succeeds.
        [Alias('RHV')]
        [string] $ResponseHeadersVariable
    )

    process {
        # The calls family's generic body, through the core's invite operation.
        InvokeCallsCommand -Cmdlet $PSCmdlet -ApiVersion 'beta' -BoundParameters $PSBoundParameters -Ids 'CallId' `
            -Request 'POST /communications/calls/{call-id}/participants/microsoft.graph.invite' -Invite
    }
}
