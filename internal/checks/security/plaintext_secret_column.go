package security

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// PlaintextSecretColumn finds text columns named like passwords, tokens,
// secrets, social security or card numbers, when nothing in the code
// hashes or encrypts such values.
var PlaintextSecretColumn = &check.Check{
	Name:     "plaintext-secret-column",
	Item:     "8.4",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `Passwords, tokens and card or social security numbers must not be stored as plain text.

A text column named like a secret, in a repository whose code neither
hashes nor encrypts anything, most likely holds the secret itself: a
leaked backup, a replica or a log of the table then leaks every password
or token. Store passwords as slow salted hashes (argon2, bcrypt, scrypt,
passlib, pgcrypto crypt()), API and reset tokens as hashes (SHA-256 of a
random token), and encrypt card and social security numbers (or do not
store them). The check only looks at names and at what the code imports,
so its wording is careful: a column is reported as "looks like" a secret.
Columns named as already protected (password_hash, token_digest,
encrypted_ssn) and bytea columns are not reported.`,
	Run: runPlaintextSecretColumn,
}

// secretKind is what a column name suggests it holds.
type secretKind struct {
	what    string // "a password"
	needs   []protectionKind
	missing string // what was not found
	fix     string
}

var (
	kindPassword = &secretKind{"a password", []protectionKind{passwordHashing, encryption},
		"no password hashing (argon2, bcrypt, scrypt, passlib, pgcrypto crypt())", "store only a salted hash (argon2id or bcrypt)"}
	kindToken = &secretKind{"a secret token or key", []protectionKind{passwordHashing, hashing, encryption},
		"nothing that hashes or encrypts (hashlib, hmac, bcrypt, cryptography, pgcrypto)", "store a hash of the token (SHA-256 of a random value) and compare hashes"}
	kindPersonal = &secretKind{"", []protectionKind{encryption},
		"no encryption (cryptography, pgcrypto pgp_sym_encrypt, an encrypted column type)", "encrypt it (or do not store it)"}
)

// qualifiers mark a column as already protected or as metadata about a
// secret rather than the secret.
var qualifiers = map[string]bool{
	"hash": true, "hashed": true, "digest": true, "encrypted": true, "enc": true, "crypt": true, "crypted": true,
	"cipher": true, "ciphertext": true, "bcrypt": true, "argon2": true, "sha256": true, "hmac": true, "salt": true,
	"type": true, "kind": true, "expires": true, "expiry": true, "expiration": true, "exp": true, "hint": true,
	"policy": true, "length": true, "len": true, "last4": true, "last": true, "prefix": true, "suffix": true,
	"id": true, "ids": true, "count": true, "version": true, "at": true, "on": true, "changed": true, "updated": true,
	"created": true, "required": true, "status": true, "url": true, "endpoint": true, "name": true, "fingerprint": true,
	"masked": true, "mask": true, "scope": true, "scopes": true, "used": true, "valid": true, "algorithm": true,
}

var camelSplit = regexp.MustCompile(`([a-z0-9])([A-Z])`)

// classify says what a column name suggests, or nil.
func classify(name string) *secretKind {
	words := strings.FieldsFunc(strings.ToLower(camelSplit.ReplaceAllString(name, "${1}_${2}")), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	has := map[string]bool{}
	for i, w := range words {
		if qualifiers[w] {
			return nil
		}
		has[w] = true
		if i > 0 {
			has[words[i-1]+"_"+w] = true
		}
	}
	switch {
	case has["token"] || has["secret"] || has["apikey"] || has["api_key"] || has["private_key"]:
		return kindToken
	case has["password"] || has["passwd"] || has["pwd"] || has["passphrase"]:
		return kindPassword
	case has["ssn"] || has["social_security"]:
		return &secretKind{"a social security number", kindPersonal.needs, kindPersonal.missing, kindPersonal.fix}
	case has["card_number"] || has["cardnumber"] || has["credit_card"] || has["cc_number"] || has["card_pan"] || has["cvv"] || has["cvc"]:
		return &secretKind{"a payment card number", kindPersonal.needs, kindPersonal.missing, kindPersonal.fix}
	}
	return nil
}

// textual: the column stores readable text.
func textual(c *catalog.Column) bool {
	switch c.BaseTypeOID {
	case 25, 1043, 1042: // text, varchar, char
		return true
	}
	return c.Type == "citext" || strings.HasSuffix(c.Type, ".citext")
}

func runPlaintextSecretColumn(p *check.Pass) error {
	loc := locate.New(p)
	var found []protection
	scanned := false
	for _, t := range p.Catalog.Tables {
		if t.Partition {
			continue
		}
		for _, c := range t.Columns {
			if c.Inherited || !textual(c) {
				continue
			}
			kind := classify(c.Name)
			if kind == nil {
				continue
			}
			if !scanned {
				found, scanned = protections(p.Repo), true
			}
			at := loc.Column(t, c.Name)
			if pr, ok := protectedBy(found, kind.needs...); ok {
				p.Evidence(pr.at, "%s.%s looks like %s, and the code hashes or encrypts values (%s)", t.QualifiedName(), c.Name, kind.what, pr.what)
				continue
			}
			p.Report(check.Finding{
				Location: at,
				Message: fmt.Sprintf("%s.%s looks like %s stored as plain text (%s), and %s was found in the code or dependencies",
					t.QualifiedName(), c.Name, kind.what, c.Type, kind.missing),
				Fix:     kind.fix,
				Related: loc.Model(t, c.Name),
			})
		}
	}
	return nil
}
