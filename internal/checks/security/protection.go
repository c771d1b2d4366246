package security

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
)

// A protection is code that hashes or encrypts values.
type protection struct {
	kind protectionKind
	what string
	at   check.Location
}

type protectionKind int

const (
	passwordHashing protectionKind = iota // bcrypt, argon2, scrypt, passlib, crypt()
	hashing                               // hashlib, hmac, crypto/sha256
	encryption                            // cryptography, pgcrypto pgp_*, crypto/aes
)

var pythonProtections = []struct {
	prefix string
	kind   protectionKind
}{
	{"bcrypt", passwordHashing}, {"passlib", passwordHashing}, {"argon2", passwordHashing}, {"pwdlib", passwordHashing},
	{"flask_bcrypt", passwordHashing}, {"werkzeug.security.generate_password_hash", passwordHashing},
	{"django.contrib.auth.hashers", passwordHashing}, {"fastapi_users.password", passwordHashing},
	{"hashlib", hashing}, {"hmac", hashing},
	{"cryptography", encryption}, {"nacl", encryption}, {"Crypto", encryption}, {"Cryptodome", encryption},
	{"sqlalchemy_utils.types.encrypted", encryption}, {"sqlalchemy_utils.StringEncryptedType", encryption},
	{"sqlalchemy_utils.EncryptedType", encryption}, {"google.cloud.kms", encryption},
}

var goProtections = []struct {
	prefix string
	kind   protectionKind
}{
	{"golang.org/x/crypto/bcrypt", passwordHashing}, {"golang.org/x/crypto/argon2", passwordHashing},
	{"golang.org/x/crypto/scrypt", passwordHashing}, {"golang.org/x/crypto/pbkdf2", passwordHashing},
	{"github.com/alexedwards/argon2id", passwordHashing},
	{"crypto/sha256", hashing}, {"crypto/sha512", hashing}, {"crypto/hmac", hashing},
	{"crypto/aes", encryption}, {"crypto/cipher", encryption}, {"golang.org/x/crypto/nacl", encryption},
	{"golang.org/x/crypto/chacha20poly1305", encryption},
}

var depProtections = map[string]protectionKind{
	"bcrypt": passwordHashing, "passlib": passwordHashing, "argon2-cffi": passwordHashing, "pwdlib": passwordHashing,
	"flask-bcrypt": passwordHashing, "cryptography": encryption, "pynacl": encryption, "pycryptodome": encryption,
}

// pgcrypto calls in SQL (migrations, functions, Python strings).
var (
	pgCrypt   = regexp.MustCompile(`(?i)\bcrypt\s*\([^)]*gen_salt\s*\(`)
	pgEncrypt = regexp.MustCompile(`(?i)\b(pgp_sym_encrypt|pgp_pub_encrypt|encrypt_iv|encrypt)\s*\(`)
	pgDigest  = regexp.MustCompile(`(?i)\b(digest|hmac)\s*\([^)]*'(sha\d+|md5)'`)
)

// protections finds the code that hashes or encrypts values.
func protections(r *repo.Repo) []protection {
	var out []protection
	for _, m := range r.Python() {
		for local, imp := range m.Imports {
			for _, pp := range pythonProtections {
				if imp.Qualified == pp.prefix || strings.HasPrefix(imp.Qualified, pp.prefix+".") {
					out = append(out, protection{pp.kind, local + " (" + imp.Qualified + ")", check.Location{File: m.Path, Line: imp.Line}})
					break
				}
			}
		}
		for _, e := range pythonStrings(m) {
			out = append(out, sqlProtections(e.Value, check.Location{File: m.Path, Line: e.Line})...)
		}
	}
	for _, g := range r.Go() {
		for _, imp := range g.AST.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				continue
			}
			for _, gp := range goProtections {
				if p == gp.prefix || strings.HasPrefix(p, gp.prefix+"/") {
					out = append(out, protection{gp.kind, p, check.Location{File: g.Path, Line: g.Line(imp.Pos())}})
					break
				}
			}
		}
	}
	for _, f := range r.FilesOf(repo.KindSQL) {
		out = append(out, sqlProtections(f.Text(), check.Location{File: f.Path})...)
	}
	for _, d := range r.Dependencies() {
		if k, ok := depProtections[d.Name]; ok {
			out = append(out, protection{k, "the " + d.Name + " dependency", check.Location{File: d.File, Line: d.Line}})
		}
	}
	return out
}

func sqlProtections(text string, at check.Location) []protection {
	var out []protection
	for _, p := range []struct {
		re   *regexp.Regexp
		kind protectionKind
		what string
	}{{pgCrypt, passwordHashing, "pgcrypto crypt()"}, {pgEncrypt, encryption, "pgcrypto encryption"}, {pgDigest, hashing, "pgcrypto digest()"}} {
		if loc := p.re.FindStringIndex(text); loc != nil {
			l := at
			if l.Line == 0 {
				l.Line = strings.Count(text[:loc[0]], "\n") + 1
			}
			out = append(out, protection{p.kind, p.what, l})
		}
	}
	return out
}

// protectedBy returns the first protection of one of the kinds.
func protectedBy(ps []protection, kinds ...protectionKind) (protection, bool) {
	for _, p := range ps {
		for _, k := range kinds {
			if p.kind == k {
				return p, true
			}
		}
	}
	return protection{}, false
}
