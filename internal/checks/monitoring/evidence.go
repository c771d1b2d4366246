package monitoring

import "github.com/pgreview/pgreview/internal/check"

func at(file string, line int) check.Location { return check.Location{File: file, Line: line} }
