package cloudstacktest

import (
	"sort"
	"strings"
)

// listApis, as the API Discovery plugin answers it (apache/cloudstack
// plugins/api/discovery: ListApisCmd, since 4.1.0, one parameter "name";
// ApiDiscoveryServiceImpl.listApis; ApiDiscoveryResponse,
// ApiParameterResponse, ApiResponseResponse):
//
//	{"listapisresponse":{"count":N,"api":[{"name","description","since",
//	  "isasync","related","params":[{"name","description","type","length",
//	  "required","since","related"}],"response":[{"name","description",
//	  "type","response"}]}]}}
//
// Gson leaves out null fields: "since" when the annotation has none,
// "related" when no other command shares the response class. A param's
// type is its CommandType lowercased ("uuid", "string", "boolean", "date",
// "map", "integer"), its length the annotation's (default 255). "name=" is
// looked up by exact name; an unknown one makes the plugin return null and
// ListApisCmd throw INTERNAL_ERROR "Api Discovery plugin was unable to find
// an api by that name or process any apis" (530). The fake lists only the
// commands it implements, sorted by name (the server's order is a HashMap's),
// "related" computed among those; descriptions are the annotations' where
// they were read, response-field descriptions are the fake's own words.

type apiParam struct {
	name, desc, typ string
	length          int // 0 = 255
	required        bool
	since           string
	entity          string // response class of a UUID parameter's entityType
}

type apiField struct{ name, desc, typ string }

type apiSpec struct {
	name, desc, since string
	async             bool
	responseClass     string
	params            []apiParam
	response          []apiField
}

var listParams = []apiParam{
	{name: "keyword", desc: "List by keyword", typ: "string"},
	{name: "page", desc: "", typ: "integer"},
	{name: "pagesize", desc: "", typ: "integer"},
}

var userFields = []apiField{
	{"id", "the user ID", "string"}, {"username", "the user name", "string"}, {"firstname", "the user firstname", "string"},
	{"lastname", "the user lastname", "string"}, {"email", "the user email address", "string"}, {"created", "the date and time the user account was created", "date"},
	{"state", "the user state", "string"}, {"account", "the account name of the user", "string"}, {"accountid", "the account ID of the user", "string"},
	{"accounttype", "the account type of the user", "integer"}, {"domainid", "the domain ID of the user", "string"}, {"domain", "the domain name of the user", "string"},
	{"apikey", "the api key of the user", "string"}, {"secretkey", "the secret key of the user", "string"},
	{"apikeyaccess", "whether api key access is Enabled, Disabled or set to Inherit", "string"},
	{"isdefault", "true if user is default, false otherwise", "boolean"}, {"roletype", "the type of the role", "string"}, {"rolename", "the name of the role", "string"},
}

var userKeysFields = []apiField{
	{"apikey", "the api key of the registered user", "string"}, {"secretkey", "the secret key of the registered user", "string"},
	{"apikeyaccess", "whether api key access is allowed or not", "boolean"},
}

var keyPairFields = []apiField{
	{"uuid", "ID of the keypair", "string"}, {"name", "Name of the keypair", "string"}, {"description", "Keypair description", "string"},
	{"apikey", "the api key of the registered user", "string"}, {"secretkey", "the secret key of the registered user", "string"},
	{"userid", "ID of the user that owns the keypair", "string"}, {"username", "Username of the keypair's owner", "string"},
	{"startdate", "Keypair start date", "date"}, {"enddate", "Keypair expiration date", "date"}, {"created", "Keypair creation timestamp", "date"},
	{"state", "State of the keypair", "string"}, {"permissions", "Permissions of the keypair", "list"},
}

// apiSpecs are the commands of a version: the same for every version but
// for registerUserKeys, which 4.23 (key pairs) replaced, and the 4.23
// key-pair commands.
func (s *Server) apiSpecs() []apiSpec {
	specs := []apiSpec{
		{name: "listApis", desc: "lists all available apis on the server, provided by the Api Discovery plugin", since: "4.1.0",
			responseClass: "ApiDiscoveryResponse",
			params:        []apiParam{{name: "name", desc: "API name", typ: "string"}},
			response: []apiField{{"name", "the name of the api command", "string"}, {"description", "description of the api", "string"},
				{"since", "version of CloudStack the api was introduced in", "string"}, {"isasync", "true if api is asynchronous", "boolean"},
				{"related", "comma separated related apis", "string"}, {"params", "the list params the api accepts", "set"},
				{"response", "api response fields", "set"}, {"type", "response field type", "string"}}},
		{name: "login", desc: "Logs a user into the CloudStack. A successful login attempt will generate a JSESSIONID cookie value that can be passed in subsequent Query command calls until the \"logout\" command has been issued or the session has expired.",
			responseClass: "LoginCmdResponse",
			params: []apiParam{
				{name: "username", desc: "Username", typ: "string", required: true},
				{name: "password", desc: "Hashed password (Default is MD5). If you wish to use any other hashing algorithm, you would need to write a custom authentication adapter See Docs section.", typ: "string", required: true},
				{name: "domain", desc: "Path of the domain that the user belongs to. Example: domain=/com/cloud/internal. If no domain is passed in, the ROOT (/) domain is assumed.", typ: "string"},
				{name: "domainId", desc: "The id of the domain that the user belongs to. If both domain and domainId are passed in, \"domainId\" parameter takes precedence.", typ: "long"},
			},
			response: []apiField{{"username", "Username", "string"}, {"userid", "User ID", "string"}, {"sessionkey", "Session key that can be passed in subsequent Query command calls", "string"},
				{"timeout", "the time period before the session has expired", "integer"}}},
		{name: "logout", desc: "Logs out the user", responseClass: "LogoutCmdResponse",
			response: []apiField{{"description", "Response description", "string"}}},
		{name: "listCapabilities", desc: "Lists capabilities", responseClass: "CapabilitiesResponse",
			response: []apiField{{"cloudstackversion", "version of the cloud stack", "string"},
				{"securitygroupsenabled", "true if security groups support is enabled, false otherwise", "boolean"},
				{"apilimitinterval", "time interval (in seconds) to reset api count", "integer"},
				{"apilimitmax", "Max allowed number of api requests within the specified interval", "integer"}}},
		{name: "listUsers", desc: "Lists user accounts", responseClass: "UserResponse",
			params: append([]apiParam{
				{name: "accounttype", desc: "List users by account type. Valid types include admin, domain-admin, read-only-admin, or user.", typ: "integer"},
				{name: "id", desc: "List user by ID.", typ: "uuid", entity: "UserResponse"},
				{name: "state", desc: "List users by state of the user account.", typ: "string"},
				{name: "username", desc: "List user by the username", typ: "string"},
				{name: "apikeyaccess", desc: "List users by the Api key access value", typ: "string", since: "4.20.1.0"},
				{name: "account", desc: "list resources by account. Must be used with the domainId parameter.", typ: "string"},
				{name: "domainid", desc: "list only resources belonging to the domain specified", typ: "uuid"},
				{name: "isrecursive", desc: "defaults to false, but if true, lists all resources from the parent specified by the domainId till leaves.", typ: "boolean"},
				{name: "listall", desc: "If set to false, list only resources belonging to the command's caller; if set to true - list resources that the caller is authorized to see. Default value is false", typ: "boolean"},
			}, listParams...),
			response: userFields},
		{name: "getUser", desc: "Find user account by API key", responseClass: "UserResponse",
			params:   []apiParam{{name: "userapikey", desc: "API key of the user", typ: "string", required: true}},
			response: userFields},
		{name: "updateUser", desc: "Updates a user account", responseClass: "UserResponse",
			params: []apiParam{
				{name: "id", desc: "User uuid", typ: "uuid", required: true, entity: "UserResponse"},
				{name: "userapikey", desc: "The API key for the user. Must be specified with userSecretKey", typ: "string"},
				{name: "usersecretkey", desc: "The secret key for the user. Must be specified with userApiKey", typ: "string"},
				{name: "email", desc: "email", typ: "string"},
				{name: "firstname", desc: "first name", typ: "string"},
				{name: "lastname", desc: "last name", typ: "string"},
				{name: "username", desc: "Unique username", typ: "string"},
				{name: "password", desc: "Clear text password (default hashed to SHA256SALT). If you wish to use any other hashing algorithm, you would need to write a custom authentication adapter. Can't be passed when command is executed via integration.api.port", typ: "string"},
				{name: "currentpassword", desc: "Current password that was being used by the user. You must inform the current password when updating the password.", typ: "string"},
				{name: "timezone", desc: "Specifies a timezone for this command. For more information on the timezone parameter, see Time Zone Format.", typ: "string"},
				{name: "apikeyaccess", desc: "Determines if Api key access for this user is enabled, disabled or inherits the value from its parent, the owning account", typ: "string", since: "4.20.1.0"},
			},
			response: userFields},
		{name: "getUserKeys", desc: "This command allows the user to query the seceret and API keys for the account", since: "4.10.0",
			responseClass: "RegisterResponse",
			params:        []apiParam{{name: "id", desc: "ID of the user whose keys are required", typ: "uuid", required: true, entity: "UserResponse"}},
			response:      userKeysFields},
		{name: "queryAsyncJobResult", desc: "Retrieves the current status of asynchronous job.", responseClass: "AsyncJobResponse",
			params: []apiParam{{name: "jobid", desc: "the ID of the asynchronous job", typ: "uuid", required: true}},
			response: []apiField{{"jobid", "the ID of the async job", "string"}, {"jobstatus", "the current job status-should be 0 for PENDING", "integer"},
				{"jobresultcode", "the result code for the job", "integer"}, {"jobresulttype", "the result type", "string"},
				{"jobresult", "the result reason", "responseobject"}, {"cmd", "the async command executed", "string"}}},
	}
	if !s.keyPairs() {
		specs = append(specs, apiSpec{name: "registerUserKeys",
			desc:          "This command allows a user to register for the developer API, returning a secret key and an API key. This request is made through the integration API port, so it is a privileged command and must be made on behalf of a user. It is up to the implementer just how the username and password are entered, and then how that translates to an integration API request. Both secret key and API key should be returned to the user",
			responseClass: "RegisterResponse",
			params:        []apiParam{{name: "id", desc: "User id", typ: "uuid", required: true, entity: "UserResponse"}},
			response:      userKeysFields})
		return specs
	}
	return append(specs,
		apiSpec{name: "registerUserKeys", desc: "Registers an API key pair (API and secret keys) for a user.", async: !s.cfg.syncReg,
			responseClass: "ApiKeyPairResponse",
			params: []apiParam{
				{name: "id", desc: "ID of the user.", typ: "uuid", required: true, entity: "UserResponse"},
				{name: "name", desc: "API key pair name.", typ: "string"},
				{name: "description", desc: "API key pair description.", typ: "string", length: 1024},
				{name: "startdate", desc: "Start date of the API key pair.", typ: "date"},
				{name: "enddate", desc: "Expiration date of the API key pair.", typ: "date"},
				{name: "rules", desc: "The rules of the API key pair. If no rules are informed, defaults to allowing all account permissions. Otherwise, only the explicitly informed permissions for the key pair will be considered. Lower indexed rules take precedence over higher.", typ: "map"},
			},
			response: keyPairFields},
		apiSpec{name: "listUserKeys", desc: "Lists the API key pairs (API and secret keys) of a user.", since: "4.23.0",
			responseClass: "ApiKeyPairResponse",
			params: append([]apiParam{
				{name: "userid", desc: "ID of the user that owns the keys.", typ: "uuid", entity: "UserResponse"},
				{name: "keypairid", desc: "ID of the key pair.", typ: "uuid", entity: "ApiKeyPairResponse"},
				{name: "showpermissions", desc: "Whether API Key rules should be returned. Defaults to false.", typ: "boolean"},
				{name: "listall", desc: "Lists all API key pairs of users that are accessible by the calling account. Only available for administrators. Defaults to false.", typ: "boolean"},
			}, listParams...),
			response: keyPairFields},
		apiSpec{name: "deleteUserKeys", desc: "Deletes a keypair from a user", since: "4.23.0", async: true, responseClass: "SuccessResponse",
			params:   []apiParam{{name: "keypairid", desc: "ID of the keypair to be deleted.", typ: "uuid", required: true, entity: "ApiKeyPairResponse"}},
			response: []apiField{{"success", "true if operation is executed successfully", "boolean"}, {"displaytext", "any text associated with the success or failure", "string"}}},
		apiSpec{name: "listUserKeyRules", desc: "This command allows the user to query the rules defined for a API access keypair.", since: "4.21.0",
			responseClass: "BaseRolePermissionResponse",
			params:        []apiParam{{name: "keypairid", desc: "ID of the keypair.", typ: "uuid", required: true, entity: "ApiKeyPairResponse"}},
			response: []apiField{{"rule", "the api name or wildcard rule", "string"}, {"permission", "the permission type of the api name or wildcard rule, allow/deny", "string"},
				{"description", "the description of the role permission", "string"}}},
	)
}

// apiByName finds a command of the fake's version by exact name, as the
// server's command map does.
func (s *Server) apiByName(name string) *apiSpec {
	for _, a := range s.apiSpecs() {
		if a.name == name {
			return &a
		}
	}
	return nil
}

// listApis answers listApis.
func (s *Server) listApis(p params) (any, *apiError) {
	specs := s.apiSpecs()
	byClass := map[string][]string{} // response class → command names, for "related"
	for _, a := range specs {
		if a.responseClass != "SuccessResponse" {
			byClass[a.responseClass] = append(byClass[a.responseClass], a.name)
		}
	}
	related := func(class, except string) string {
		var out []string
		for _, n := range byClass[class] {
			if n != except {
				out = append(out, n)
			}
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	if name, ok := p["name"]; ok {
		var keep []apiSpec
		for _, a := range specs {
			if a.name == name {
				keep = append(keep, a)
			}
		}
		if len(keep) == 0 {
			return nil, errorf(530, 9999, "Api Discovery plugin was unable to find an api by that name or process any apis")
		}
		specs = keep
	}
	sort.Slice(specs, func(i, j int) bool { return specs[i].name < specs[j].name })
	list := make([]map[string]any, 0, len(specs))
	for _, a := range specs {
		ps := make([]map[string]any, 0, len(a.params))
		for _, prm := range a.params {
			length := prm.length
			if length == 0 {
				length = 255
			}
			m := map[string]any{"name": prm.name, "description": prm.desc, "type": prm.typ, "length": length, "required": prm.required}
			if prm.since != "" {
				m["since"] = prm.since
			}
			if r := related(prm.entity, ""); prm.entity != "" && r != "" {
				m["related"] = r
			}
			ps = append(ps, m)
		}
		rs := make([]map[string]any, 0, len(a.response))
		for _, f := range a.response {
			rs = append(rs, map[string]any{"name": f.name, "description": f.desc, "type": f.typ})
		}
		m := map[string]any{"name": a.name, "description": a.desc, "isasync": a.async, "params": ps, "response": rs}
		if a.since != "" {
			m["since"] = a.since
		}
		if r := related(a.responseClass, a.name); r != "" {
			m["related"] = r
		}
		list = append(list, m)
	}
	return map[string]any{"count": len(list), "api": list}, nil
}
