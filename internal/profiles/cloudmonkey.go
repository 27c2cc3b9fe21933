package profiles

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// defaultSection is go-ini's name for the keys before any section header,
// where CloudMonkey keeps its core settings.
const defaultSection = "DEFAULT"

// cmkDefaultProfile is CloudMonkey's profile when [core] names none.
const cmkDefaultProfile = "localcloud"

// cloudMonkeyEnv adds the CloudStack variables of the profile's CloudMonkey
// profile to env.
//
// The file is CloudMonkey's (github.com/apache/cloudstack-cloudmonkey,
// config/config.go): INI read by gopkg.in/ini.v1 with IgnoreInlineComment,
// the core settings before any section (among them "profile", the current
// profile, default "localcloud") and one section per server profile with
// url, username, password, domain, apikey and secretkey. CloudMonkey signs
// with apikey and secretkey when both are set and logs in with username
// and password otherwise; so does this profile. CloudMonkey writes the
// file 0644 inside ~/.cmk, which it creates 0700: the file is refused when
// others can read it and its directory lets them.
func (p *Profile) cloudMonkeyEnv(env map[string]string, getenv func(string) string) error {
	path := p.expand(p.CloudMonkey.File, getenv)
	if err := privateEnough(path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cloudmonkey: %w", err)
	}
	defer f.Close()
	sections, err := parseINI(f)
	if err != nil {
		return fmt.Errorf("cloudmonkey %s: %w", path, err)
	}
	name := p.CloudMonkey.Profile
	if name == "" {
		name = sections[defaultSection]["profile"]
	}
	if name == "" {
		name = cmkDefaultProfile
	}
	s, ok := sections[name]
	if !ok || name == defaultSection {
		var names []string
		for n := range sections {
			if n != defaultSection {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		return fmt.Errorf("cloudmonkey %s: no profile [%s] (profiles: %s)", path, name, strings.Join(names, ", "))
	}
	if s["url"] != "" {
		env["CLOUDSTACK_API_URL"] = s["url"]
	}
	switch {
	case s["apikey"] != "" && s["secretkey"] != "":
		env["CLOUDSTACK_API_KEY"], env["CLOUDSTACK_SECRET_KEY"] = s["apikey"], s["secretkey"]
	case s["username"] != "" && s["password"] != "":
		env["CLOUDSTACK_USERNAME"], env["CLOUDSTACK_PASSWORD"] = s["username"], s["password"]
		if s["domain"] != "" {
			env["CLOUDSTACK_DOMAIN"] = s["domain"]
		}
	default:
		return fmt.Errorf("cloudmonkey %s: profile [%s] has neither apikey and secretkey nor username and password", path, name)
	}
	return nil
}

// privateEnough refuses a file that others may read: its mode grants
// group or others access and its directory lets them reach it.
func privateEnough(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cloudmonkey: %w", err)
	}
	if st.Mode().Perm()&0o044 == 0 {
		return nil
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err == nil && dir.Mode().Perm()&0o011 == 0 {
		return nil // nobody else can enter the directory (~/.cmk is 0700)
	}
	return fmt.Errorf("cloudmonkey %s holds credentials and others can read it (mode %04o, directory open): chmod 600 it", path, st.Mode().Perm())
}

// parseINI reads an INI file as gopkg.in/ini.v1 does with CloudMonkey's
// options: sections "[name]", keys before any section in "DEFAULT", "key =
// value" or "key: value", whole-line comments (# or ;) only, values
// trimmed, a trailing backslash continuing the value on the next line,
// values in """…""" or `…` taken as they are (possibly over several lines),
// and one pair of surrounding ' or " removed. A later key replaces an
// earlier one.
func parseINI(r io.Reader) (map[string]map[string]string, error) {
	sections := map[string]map[string]string{defaultSection: {}}
	cur := defaultSection
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	lineNo := 0
	next := func() (string, bool) {
		if !sc.Scan() {
			return "", false
		}
		lineNo++
		return sc.Text(), true
	}
	for {
		raw, ok := next()
		if !ok {
			break
		}
		line := strings.TrimSpace(strings.TrimPrefix(raw, "\uFEFF"))
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			end := strings.LastIndexByte(line, ']')
			if end < 0 {
				return nil, fmt.Errorf("line %d: unclosed section header", lineNo)
			}
			cur = strings.TrimSpace(line[1:end])
			if cur == "" {
				cur = defaultSection
			}
			if sections[cur] == nil {
				sections[cur] = map[string]string{}
			}
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 {
			return nil, fmt.Errorf("line %d: want key = value", lineNo)
		}
		key := strings.Trim(strings.TrimSpace(line[:i]), "`\"")
		val := strings.TrimLeft(line[i+1:], " \t")
		for _, q := range []string{`"""`, "`"} {
			if !strings.HasPrefix(val, q) {
				continue
			}
			body := val[len(q):]
			for !strings.Contains(body, q) {
				more, ok := next()
				if !ok {
					return nil, fmt.Errorf("line %d: unclosed %s", lineNo, q)
				}
				body += "\n" + more
			}
			val = q + body[:strings.Index(body, q)] + q
			break
		}
		switch {
		case strings.HasPrefix(val, `"""`):
			val = val[3 : len(val)-3]
		case strings.HasPrefix(val, "`"):
			val = val[1 : len(val)-1]
		default:
			val = strings.TrimSpace(val)
			for strings.HasSuffix(val, `\`) {
				more, ok := next()
				if !ok {
					break
				}
				val = strings.TrimSuffix(val, `\`) + strings.TrimSpace(more)
			}
			if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
				val = val[1 : len(val)-1]
			}
		}
		if key == "" {
			return nil, errors.New("line " + fmt.Sprint(lineNo) + ": empty key")
		}
		sections[cur][key] = val
	}
	return sections, sc.Err()
}
