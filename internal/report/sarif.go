package report

import (
	"encoding/json"
	"io"

	"github.com/pgreview/pgreview/internal/check"
)

// SARIF 2.1.0, the subset GitHub code scanning reads.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
	// Properties carry the "Current Status" block: the detected stack and
	// the engine the review ran on.
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	// BaselineState is "new" or "unchanged" against the base branch, in
	// pull request reviews.
	BaselineState string         `json:"baselineState,omitempty"`
	Properties    map[string]any `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

func sarifLevel(s check.Severity) string {
	switch s {
	case check.Critical:
		return "error"
	case check.Important:
		return "warning"
	}
	return "note"
}

// WriteSARIF renders findings as SARIF 2.1.0 with ruleId = check name.
// checks supplies rule metadata.
func WriteSARIF(w io.Writer, r *Report, checks []*check.Check) error {
	driver := sarifDriver{Name: "pgreview", Version: r.Tool.Version, InformationURI: "https://github.com/pgreview/pgreview"}
	ruleIndex := map[string]int{}
	for _, c := range checks {
		ruleIndex[c.Name] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{
			ID: c.Name, Name: c.Name,
			ShortDescription:     sarifText{c.Title()},
			FullDescription:      sarifText{c.Doc},
			Help:                 sarifText{c.Doc},
			DefaultConfiguration: sarifConfig{sarifLevel(c.Severity)},
			Properties:           map[string]any{"checklist-item": c.Item, "tags": []string{"postgresql", "checklist-" + c.Item}},
		})
	}
	results := []sarifResult{}
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID: f.Check, RuleIndex: ruleIndex[f.Check], Level: sarifLevel(f.Severity),
			Message:             sarifText{f.Message},
			PartialFingerprints: map[string]string{"pgreview/v1": f.Fingerprint},
			Properties:          map[string]any{"severity": f.Severity.String(), "item": f.Item},
		}
		if f.Fix != "" {
			res.Message.Text += "\nFix: " + f.Fix
		}
		if r.Compared() {
			res.BaselineState = map[bool]string{true: "new", false: "unchanged"}[f.New]
		}
		if loc := sarifLocationOf(f); loc != nil {
			res.Locations = []sarifLocation{*loc}
		}
		results = append(results, res)
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results,
			Properties: map[string]any{"stack": r.Repo.Stack, "engine": r.Engine, "migrations": r.Migrations}}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// sarifLocationOf points at the finding's file, or at the file of a
// related location (the migration that created the object), so code
// scanning can show schema findings too.
func sarifLocationOf(f check.Finding) *sarifLocation {
	loc := &sarifLocation{}
	file, line := f.File, f.Line
	if file == "" {
		for _, rel := range f.Related {
			if rel.File != "" {
				file, line = rel.File, rel.Line
				break
			}
		}
	}
	if file != "" {
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: file}}
		if line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: line}
		}
	}
	if f.Object != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: f.Object, Kind: "object"}}
	}
	if loc.PhysicalLocation == nil && loc.LogicalLocations == nil {
		return nil
	}
	return loc
}
