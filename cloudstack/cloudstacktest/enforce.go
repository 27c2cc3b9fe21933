package cloudstacktest

import (
	"regexp"
	"sort"
	"strings"
)

// What a stock server checks and what enforce.post.requests.and.timestamps
// adds, as read in apache/cloudstack (ApiServer.java @02182a1: the ConfigKey
// EnforcePostRequestsAndTimestamps, default "false", read once at start;
// verifyRequest; checkCharacterInkParams; handleRequest. ApiServlet.java as
// of PR #10899, read in the fork shwstppr/cloudstack @c4224f3:
// processRequestInContext, isStateChangingCommandUsingPOST, because the
// apache/cloudstack copies in the index predate the PR):
//
//   - verifyRequest, signed requests only (a session skips it): with
//     signatureversion exactly "3", expires is required and parsed, and one
//     in the past is refused whatever the setting; one more than 15 minutes
//     ahead is refused only when enforced. Without signatureversion 3,
//     expires is ignored altogether (even one in the past) unless enforced,
//     when the request is refused. Every refusal is the servlet's 401
//     "unable to verify user credentials and/or request signature".
//   - ApiServlet, when enforced, before the session check and
//     verifyRequest, after login/logout (API authenticators) have been
//     answered: a command is allowed as GET only if its lowercased name
//     matches ^(get|list|query|find)(\w+)+$ or is one of
//     getRequestCommands; updateConfiguration needs POST unless its name
//     parameter is enforce.post.requests.and.timestamps. Otherwise: HTTP 400,
//     ApiErrorCode.BAD_REQUEST, "State changing command <cmd> needs to be
//     sent using POST request" ("Changes for configuration <name> needs to
//     be sent using POST request" for updateConfiguration with a name),
//     through getSerializedApiError(ServerApiException): cserrorcode 9999,
//     the command's response name if the server knows the command, else
//     "errorresponse". The method must be exactly "POST".
//   - handleRequest (servlet path after verifyRequest, and the integration
//     port) starts with checkCharacterInkParams, enforced or not: the first
//     value of every parameter but "activationrule" is matched against
//     [\000-\011\013-\014\016-\037\177], i.e. 0x00–0x09 (TAB included),
//     0x0B, 0x0C, 0x0E–0x1F and 0x7F — LF and CR are allowed although the
//     comment says "0 to 31". A match is ServerApiException(PARAM_ERROR,
//     "Received value containing illegal ASCII non-printable characters for
//     parameter <name>"): 431, cserrorcode 9999, X-Description set. The
//     server names whichever offending parameter its HashMap yields first;
//     the fake names the first in byte order.

// getRequestCommand is ApiServlet.GET_REQUEST_COMMANDS.
var getRequestCommand = regexp.MustCompile(`^(get|list|query|find)(\w+)+$`)

// getRequestCommands is ApiServlet.GET_REQUEST_COMMANDS_LIST: read-only
// commands whose names do not say so.
var getRequestCommands = map[string]bool{
	"isaccountallowedtocreateofferingswithtags": true, "readyforshutdown": true, "cloudianisenabled": true,
	"quotabalance": true, "quotasummary": true, "quotatarifflist": true, "quotaisenabled": true,
	"quotastatement": true, "verifyoauthcodeandgetuser": true,
}

// enforceSetting is the setting's name, which updateConfiguration may
// change by GET (so that it can be turned off again).
const enforceSetting = "enforce.post.requests.and.timestamps"

// postAllowed is ApiServlet.isStateChangingCommandUsingPOST: whether a
// request may pass when the setting is on.
func postAllowed(cmd, method string, p params) bool {
	lc := strings.ToLower(cmd)
	if !getRequestCommand.MatchString(lc) && !getRequestCommands[lc] && lc != "updateconfiguration" && method != "POST" {
		return false
	}
	if lc != "updateconfiguration" || method == "POST" {
		return true
	}
	name, ok := p["name"]
	return ok && strings.EqualFold(name, enforceSetting)
}

// postRequired is the servlet's 400 for a state-changing command not sent
// as POST.
func postRequired(cmd string, p params) *apiError {
	if name, ok := p["name"]; ok && strings.EqualFold(cmd, "updateConfiguration") {
		return errorf(400, 9999, "Changes for configuration %s needs to be sent using POST request", name)
	}
	return errorf(400, 9999, "State changing command %s needs to be sent using POST request", cmd)
}

// controlCharacter reports a byte of ApiServer.CONTROL_CHARACTERS. Bytes of
// multi-byte UTF-8 sequences are never below 0x80, so checking bytes is
// checking the Java string's chars.
func controlCharacter(b byte) bool {
	return b <= 0x09 || b == 0x0B || b == 0x0C || (b >= 0x0E && b <= 0x1F) || b == 0x7F
}

// checkCharacters is ApiServer.checkCharacterInkParams.
func (s *Server) checkCharacters(_ string, p params) *apiError {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if n == "activationrule" { // ApiConstants.ACTIVATION_RULE (quota tariffs)
			continue
		}
		if s.cfg.integration && strings.EqualFold(n, "response") {
			continue // ApiServer.handle consumes it before handleRequest
		}
		v := p[n]
		for i := 0; i < len(v); i++ {
			if controlCharacter(v[i]) {
				return errorf(431, 9999, "Received value containing illegal ASCII non-printable characters for parameter %s", n)
			}
		}
	}
	return nil
}

// adminPortParam is ApiServer.handle's check of parameters marked
// acceptedOnAdminPort=false: a 531 on the integration port.
func adminPortParam(cmd string, p params) *apiError {
	if strings.EqualFold(cmd, "updateUser") {
		for _, n := range []string{"password", "currentpassword"} {
			if _, ok := p[n]; ok {
				return permissionError("Parameter %s can't be passed through the API integration port", n)
			}
		}
	}
	return nil
}

// envelope is the response name an error of the servlet or of handleRequest
// is wrapped in: the command's (as getSerializedApiError finds its class,
// by exact name) for a command the fake's version has, else
// "errorresponse" (returned as "").
func (s *Server) envelope(cmd string) string {
	if s.apiByName(cmd) != nil {
		return cmd
	}
	return ""
}
