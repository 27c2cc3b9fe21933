package zstack

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/cloudkeys/cloudkeys"
)

// Op is a query condition operator of ZStack's q= syntax.
type Op string

// The operators, in the order the server tries them when it splits a
// condition (the first one found in the text wins).
const (
	OpNotEq   Op = "!="
	OpGte     Op = ">="
	OpLte     Op = "<="
	OpNotIn   Op = "!?="
	OpNotLike Op = "!~="
	OpLike    Op = "~="
	OpIn      Op = "?="
	OpEq      Op = "="
	OpGt      Op = ">"
	OpLt      Op = "<"
	OpIsNull  Op = "is null"
	OpNotNull Op = "not null"
)

// opOrder is the server's matching order (RestServer.handleQueryApi).
var opOrder = []Op{OpNotEq, OpGte, OpLte, OpNotIn, OpNotLike, OpLike, OpIn, OpEq, OpGt, OpLt, OpIsNull, OpNotNull}

// maxConditionLen bounds the text of one condition.
const maxConditionLen = 4096

// fieldRE is a field name, or a dotted path through joined tables
// ("vmNics.ip"), or the special "__systemTag__"/"__userTag__".
var fieldRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// Condition is one q= condition, built only by the typed constructors (Eq,
// NotEq, Gt, ..., IsNull, NotNull), which refuse any field or value the
// server would split differently than intended: no caller-supplied text
// can change the field, the operator or add a condition.
type Condition struct {
	field string
	op    Op
	value string
	err   error
}

func cond(field string, op Op, value string) Condition {
	c := Condition{field: field, op: op, value: value}
	switch {
	case !fieldRE.MatchString(field):
		c.err = cloudkeys.InvalidInput(Vendor, "query field", "must be a name like accountUuid or vmNics.ip")
	case len(value) > maxConditionLen:
		c.err = cloudkeys.InvalidInput(Vendor, "query value of "+field, "too long")
	case strings.ContainsFunc(value, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		c.err = cloudkeys.InvalidInput(Vendor, "query value of "+field, "must not contain control characters")
	default:
		f, o, v, err := ParseCondition(c.String())
		if err != nil || f != field || o != op || v != value {
			c.err = cloudkeys.InvalidInput(Vendor, "query value of "+field, "contains an operator the server would split on ("+string(op)+" cannot carry it)")
		}
	}
	return c
}

func list(field string, op Op, values []string) Condition {
	if len(values) == 0 {
		return Condition{field: field, op: op, err: cloudkeys.InvalidInput(Vendor, "query values of "+field, "need at least one value")}
	}
	for _, v := range values {
		if v == "" || strings.Contains(v, ",") {
			return Condition{field: field, op: op, err: cloudkeys.InvalidInput(Vendor, "query values of "+field, "must be non-empty and contain no ','")}
		}
	}
	return cond(field, op, strings.Join(values, ","))
}

// Eq is field=value.
func Eq(field, value string) Condition { return cond(field, OpEq, value) }

// NotEq is field!=value.
func NotEq(field, value string) Condition { return cond(field, OpNotEq, value) }

// Gt is field>value.
func Gt(field, value string) Condition { return cond(field, OpGt, value) }

// Lt is field<value.
func Lt(field, value string) Condition { return cond(field, OpLt, value) }

// Gte is field>=value.
func Gte(field, value string) Condition { return cond(field, OpGte, value) }

// Lte is field<=value.
func Lte(field, value string) Condition { return cond(field, OpLte, value) }

// In is field?=v1,v2,... (values must not contain ',').
func In(field string, values ...string) Condition { return list(field, OpIn, values) }

// NotIn is field!?=v1,v2,... (values must not contain ',').
func NotIn(field string, values ...string) Condition { return list(field, OpNotIn, values) }

// Like is field~=pattern, with SQL wildcards % and _.
func Like(field, pattern string) Condition { return cond(field, OpLike, pattern) }

// NotLike is field!~=pattern.
func NotLike(field, pattern string) Condition { return cond(field, OpNotLike, pattern) }

// IsNull is "field is null".
func IsNull(field string) Condition { return cond(field, OpIsNull, "") }

// NotNull is "field not null".
func NotNull(field string) Condition { return cond(field, OpNotNull, "") }

// Field, Op and Value return the parts of the condition.
func (c Condition) Field() string { return c.field }

// Op returns the operator.
func (c Condition) Op() Op { return c.op }

// Value returns the value ("" for IsNull/NotNull).
func (c Condition) Value() string { return c.value }

// Err reports why the condition is invalid, or nil.
func (c Condition) Err() error {
	if c.op == "" && c.err == nil {
		return cloudkeys.InvalidInput(Vendor, "query condition", "use Eq, NotEq, ..., NotNull to build one")
	}
	return c.err
}

// String returns the q= text, e.g. "accountUuid=abc" or "description is null".
func (c Condition) String() string {
	switch c.op {
	case OpIsNull, OpNotNull:
		return c.field + " " + string(c.op)
	}
	return c.field + string(c.op) + c.value
}

// ParseCondition splits a q= condition the way the server does: the first
// operator of the server's order (!=, >=, <=, !?=, !~=, ~=, ?=, =, >, <,
// is null, not null) found in the text splits it; the field is trimmed,
// the value is not. Text without an operator is an error (the server
// answers 400).
func ParseCondition(s string) (field string, op Op, value string, err error) {
	for _, o := range opOrder {
		i := strings.Index(s, string(o))
		if i < 0 {
			continue
		}
		field = strings.TrimSpace(s[:i])
		value = s[i+len(o):]
		if o == OpIsNull || o == OpNotNull {
			if strings.TrimSpace(value) != "" {
				return "", "", "", errors.New("zstack: text after " + string(o))
			}
			value = ""
		}
		if field == "" {
			return "", "", "", errors.New("zstack: condition without a field")
		}
		return field, o, value, nil
	}
	return "", "", "", errors.New("zstack: condition without an operator")
}

// SortBy orders query results by a field, ascending or descending
// (sort=+field / sort=-field).
type SortBy struct {
	Field      string
	Descending bool
}

// Query selects and pages the results of a ZStack query API.
type Query struct {
	Conditions []Condition // ANDed
	Start      int         // offset of the first result
	// Limit is the page size: for one page (QueryAccessKeysPage) 0 means the
	// server's default of 1000; the iterator (QueryAccessKeys) uses 100.
	Limit int
	// ReplyWithCount asks for the total number of matches too.
	ReplyWithCount bool
	Sort           *SortBy
	// Fields limits the answer to these fields (native fields only).
	Fields []string
}

// queryParams is the query string of a query API. The url tags are the
// go-querystring encoding rawQuery writes by hand (its test holds the two
// to the same text).
type queryParams struct {
	Q              []string `url:"q,omitempty"`
	Start          int      `url:"start,omitempty"`
	Limit          int      `url:"limit,omitempty"`
	ReplyWithCount bool     `url:"replyWithCount,omitempty"`
	Count          bool     `url:"count,omitempty"`
	Sort           string   `url:"sort,omitempty"`
	Fields         []string `url:"fields,omitempty,comma"`
}

// rawQuery is the query string of p, exactly url.Values.Encode of
// go-querystring's query.Values(p): the members in key order, each
// QueryEscaped, zero ones left out, Fields joined with ','. It is built in
// one string, where go-querystring read the struct tags by reflection on
// every call (ten allocations for an empty query) and Encode sorted a map.
func (p *queryParams) rawQuery() string {
	var b strings.Builder
	key := func(k string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		} else {
			b.Grow(64) // one allocation for the usual query
		}
		b.WriteString(k)
		b.WriteByte('=')
	}
	add := func(k, v string) {
		key(k)
		b.WriteString(url.QueryEscape(v))
	}
	var num [20]byte
	addInt := func(k string, n int) {
		key(k)
		b.Write(strconv.AppendInt(num[:0], int64(n), 10))
	}
	// The keys in the order url.Values.Encode sorts them.
	if p.Count {
		add("count", "true")
	}
	if len(p.Fields) > 0 {
		add("fields", strings.Join(p.Fields, ","))
	}
	if p.Limit != 0 {
		addInt("limit", p.Limit)
	}
	for _, q := range p.Q {
		add("q", q)
	}
	if p.ReplyWithCount {
		add("replyWithCount", "true")
	}
	if p.Sort != "" {
		add("sort", p.Sort)
	}
	if p.Start != 0 {
		addInt("start", p.Start)
	}
	return b.String()
}

func (q Query) params() (queryParams, error) {
	var p queryParams
	for _, c := range q.Conditions {
		if err := c.Err(); err != nil {
			return p, err
		}
		p.Q = append(p.Q, c.String())
	}
	switch {
	case q.Start < 0:
		return p, cloudkeys.InvalidInput(Vendor, "Query.Start", "must not be negative")
	case q.Limit < 0:
		return p, cloudkeys.InvalidInput(Vendor, "Query.Limit", "must not be negative")
	}
	p.Start, p.Limit, p.ReplyWithCount = q.Start, q.Limit, q.ReplyWithCount
	if q.Sort != nil {
		if !fieldRE.MatchString(q.Sort.Field) {
			return p, cloudkeys.InvalidInput(Vendor, "Query.Sort.Field", "must be a field name")
		}
		p.Sort = "+" + q.Sort.Field
		if q.Sort.Descending {
			p.Sort = "-" + q.Sort.Field
		}
	}
	for _, f := range q.Fields {
		if !fieldRE.MatchString(f) {
			return p, cloudkeys.InvalidInput(Vendor, "Query.Fields", "must be field names")
		}
	}
	p.Fields = q.Fields
	return p, nil
}
