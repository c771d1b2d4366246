package migrate

import (
	"testing"

	"github.com/pgreview/pgreview/internal/engine/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }
