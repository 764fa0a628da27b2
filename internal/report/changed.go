package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// A finding is new since a revision when it did not exist at that
// revision. Comparing changed lines is not enough: a pull request that adds
// an early return before an existing defer resp.Body.Close() makes the
// unchanged call line leak. So the command analyses a checkout of the
// revision as well ([CheckOut]) and keeps the findings that have no
// counterpart there ([BaselineOf] of the revision's findings, then
// [Baseline.Filter]), matched by check, repository-relative file and
// fingerprint, which survives lines moving.

// RepoRoot returns the top level of the git work tree that contains dir,
// with symbolic links resolved.
func RepoRoot(dir string) (string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", errors.New("git is not installed")
	}
	out, err := git(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("%s is not in a git work tree", dir)
	}
	top := strings.TrimSpace(string(out))
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	return top, nil
}

// ResolveRevision returns the commit that rev names in the repository at
// dir. An unknown revision is reported as such, with a hint in a shallow
// clone, where the base of a pull request is often missing.
func ResolveRevision(dir, rev string) (string, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("invalid revision %q", rev)
	}
	out, err := git(dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if sh, err := git(dir, "rev-parse", "--is-shallow-repository"); err == nil && strings.TrimSpace(string(sh)) == "true" {
			return "", fmt.Errorf("unknown revision %q (this is a shallow clone: fetch it, or clone with full history)", rev)
		}
		return "", fmt.Errorf("unknown revision %q", rev)
	}
	return strings.TrimSpace(string(out)), nil
}

// Checkout is a temporary, detached work tree of one commit.
type Checkout struct {
	// Root is the top level of the checkout: it holds what the
	// repository's top level held at that commit.
	Root string
	repo string
	tmp  string
}

// CheckOut adds a detached work tree of commit, from the repository whose
// top level is repo, in a new temporary directory. Hooks do not run and Git
// LFS files stay pointers: only the source is wanted. The caller must call
// [Checkout.Remove].
func CheckOut(repo, commit string) (*Checkout, error) {
	tmp, err := os.MkdirTemp("", "keepalivefix-rev-")
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(tmp); err == nil {
		tmp = real
	}
	c := &Checkout{Root: filepath.Join(tmp, "tree"), repo: repo, tmp: tmp}
	cmd := gitCommand(repo, "-c", "core.hooksPath="+os.DevNull, "worktree", "add", "--detach", "--quiet", c.Root, commit)
	cmd.Env = append(os.Environ(), "GIT_LFS_SKIP_SMUDGE=1")
	if err := run(cmd); err != nil {
		_ = c.Remove()
		return nil, fmt.Errorf("checking out %s: %w", shortHash(commit), err)
	}
	return c, nil
}

// Remove deletes the checkout and unregisters it from the repository. It
// may be called more than once.
func (c *Checkout) Remove() error {
	if c == nil || c.tmp == "" {
		return nil
	}
	var err error
	if _, statErr := os.Stat(c.Root); statErr == nil {
		_, err = git(c.repo, "worktree", "remove", "--force", c.Root)
	}
	if rmErr := os.RemoveAll(c.tmp); err == nil {
		err = rmErr
	}
	// Whatever remove did not unregister (a half-made checkout) goes
	// now that its directory is gone.
	_, _ = git(c.repo, "worktree", "prune")
	c.tmp = ""
	return err
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// git runs git -C dir args... and returns its standard output; a failure
// carries git's standard error.
func git(dir string, args ...string) ([]byte, error) {
	cmd := gitCommand(dir, args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := run(cmd); err != nil {
		return nil, err
	}
	return stdout.Bytes(), nil
}

func gitCommand(dir string, args ...string) *exec.Cmd {
	return exec.Command("git", append([]string{"-C", dir}, args...)...)
}

// run runs cmd; a failure is described by git's standard error when there
// is one, which says more than an exit status.
func run(cmd *exec.Cmd) error {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return errors.New(msg)
		}
		return err
	}
	return nil
}
