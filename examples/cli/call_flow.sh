#!/usr/bin/env bash
# The PowerShell call flow (examples/powershell/CallFlow.ps1) from the command line: place a group
# call, invite two people, list the roster, mute one, remove the other, read the operations and
# hang up. JSON goes in and out of `mgbridge calls`; jq picks the ids. Against a running sandbox
# (`mgbridge sandbox &`) or the connection `mgbridge connect` saved.
set -euo pipefail

call=$(mgbridge calls create --body '{
  "@odata.type": "#microsoft.graph.call",
  "subject": "Weekly sync",
  "callbackUri": "https://bot.contoso.com/callback",
  "targets": [
    {"identity": {"user": {"displayName": "John", "id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}},
    {"identity": {"user": {"displayName": "Jane", "id": "98da8a1a-1b87-452c-a713-65d3f10b5555"}}}
  ],
  "requestedModalities": ["audio"],
  "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}
}' | jq -r .id)
echo "Call $call is $(mgbridge calls get --call-id "$call" | jq -r .state)"
for _ in $(seq 150); do
  [ "$(mgbridge calls get --call-id "$call" | jq -r .state)" = established ] && break
  sleep 0.2
done

invitation=$(mgbridge calls participants invite --call-id "$call" --body - <<'JSON' | jq -r .id
{
  "Participants": [
    {"Identity": {"User": {"Id": "278405a3-f568-4b3e-b684-009193463064", "DisplayName": "Adele"}}},
    {"Identity": {"User": {"Id": "1e126418-44a0-4a94-a6f8-0efe1ad71acb", "DisplayName": "Bianca"}}}
  ],
  "ClientContext": "f2fa86af-3c51-4bc2-8fc0-475452d9764f"
}
JSON
)
for _ in $(seq 150); do
  status=$(mgbridge calls operations get --call-id "$call" --operation-id "$invitation" | jq -r .status)
  case "$status" in [Cc]ompleted|[Ff]ailed) break ;; esac
  sleep 0.2
done
echo "Invitation $invitation is $status"

participants=$(mgbridge calls participants list --call-id "$call" --all)
echo "$(jq length <<<"$participants") participants: $(jq -r '[.[].info.identity.user.displayName // empty] | join(", ")' <<<"$participants")"
adele=$(jq -r '.[] | select(.info.identity.user.id == "278405a3-f568-4b3e-b684-009193463064") | .id' <<<"$participants")
bianca=$(jq -r '.[] | select(.info.identity.user.id == "1e126418-44a0-4a94-a6f8-0efe1ad71acb") | .id' <<<"$participants")

echo "Muting Adele: $(mgbridge calls participants mute --call-id "$call" --participant-id "$adele" \
  --body '{"ClientContext": "mute-adele"}' | jq -r .status)"
mgbridge calls participants delete --call-id "$call" --participant-id "$bianca"
echo "Removed Bianca; $(mgbridge calls participants count --call-id "$call") participants left"

mgbridge calls operations list --call-id "$call" --all --jsonl |
  jq -r '"Operation \(.id): \(.status) (\(.clientContext))"'

mgbridge calls delete --call-id "$call"
echo "Hung up"
