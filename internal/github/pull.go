package github

import (
	"context"
	"fmt"
)

// CheckPRHead verifies that owner/repo#number's head is headSHA. A
// workflow_run job learns the PR number from an artifact that the fork's
// own code wrote; this keeps it from posting on another pull request.
func CheckPRHead(ctx context.Context, c *Client, owner, repo string, number int, headSHA string) error {
	pr, _, err := c.gh.PullRequests.Get(ctx, owner, repo, number)
	if err != nil {
		return c.explain(err, fmt.Sprintf("look up pull request %s/%s#%d", owner, repo, number))
	}
	if got := pr.GetHead().GetSHA(); got != headSHA {
		return fmt.Errorf("pull request %s/%s#%d is at %s, but the review is of %s: not posting (the PR got a newer push, or the PR number in the artifact is wrong)",
			owner, repo, number, short(got), short(headSHA))
	}
	return nil
}
