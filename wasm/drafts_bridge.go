//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/hybridplan/hybridplan/wasm/api"
	"github.com/hybridplan/hybridplan/wasm/drafts"
)

// storageTimeout bounds one drafts call. IndexedDB normally answers in
// milliseconds; one that hangs (a blocked upgrade, a wedged browser
// profile) must end in storage.unavailable, not a Promise that never
// settles while the page waits to say the edit is unsaved.
const storageTimeout = 15 * time.Second

// draftMethods returns hybridplan.drafts' functions over svc.
func draftMethods(svc *drafts.Service) map[string]method {
	withCtx := func(fn func(ctx context.Context) (any, error)) (any, error) {
		ctx, cancel := context.WithTimeout(context.Background(), storageTimeout)
		defer cancel()
		return fn(ctx)
	}
	return map[string]method{
		"list": func([]js.Value) (any, error) {
			return withCtx(func(ctx context.Context) (any, error) { return svc.List(ctx) })
		},
		"get": func(args []js.Value) (any, error) {
			id, err := stringArg(args, 0, "drafts.get(id)", "id")
			if err != nil {
				return nil, err
			}
			return withCtx(func(ctx context.Context) (any, error) { return svc.Get(ctx, id) })
		},
		"save": func(args []js.Value) (any, error) {
			req, err := saveArg(args)
			if err != nil {
				return nil, err
			}
			return withCtx(func(ctx context.Context) (any, error) { return svc.Save(ctx, req) })
		},
		"rename": func(args []js.Value) (any, error) {
			const sig = "drafts.rename(id, name)"
			id, err := stringArg(args, 0, sig, "id")
			if err != nil {
				return nil, err
			}
			name, err := stringArg(args, 1, sig, "name")
			if err != nil {
				return nil, err
			}
			return withCtx(func(ctx context.Context) (any, error) { return svc.Rename(ctx, id, name) })
		},
		"duplicate": func(args []js.Value) (any, error) {
			id, err := stringArg(args, 0, "drafts.duplicate(id)", "id")
			if err != nil {
				return nil, err
			}
			return withCtx(func(ctx context.Context) (any, error) { return svc.Duplicate(ctx, id) })
		},
		"delete": func(args []js.Value) (any, error) {
			id, err := stringArg(args, 0, "drafts.delete(id)", "id")
			if err != nil {
				return nil, err
			}
			return withCtx(func(ctx context.Context) (any, error) { return nil, svc.Delete(ctx, id) })
		},
	}
}

// saveArg reads drafts.save's {id?, name, plan, baseRevision}. The plan is
// JSON text or an object; baseRevision is required with an id, so a page
// bug cannot turn into a blind overwrite of a draft stored under that id.
func saveArg(args []js.Value) (drafts.SaveRequest, error) {
	const sig = "drafts.save({id?, name, plan, baseRevision})"
	if len(args) == 0 || args[0].Type() != js.TypeObject {
		return drafts.SaveRequest{}, api.ArgumentError("%s needs an object", sig)
	}
	o := args[0]
	var req drafts.SaveRequest
	var err error
	if req.ID, err = optionalStringArg([]js.Value{o.Get("id")}, 0, sig, "id"); err != nil {
		return req, err
	}
	if req.Name, err = optionalStringArg([]js.Value{o.Get("name")}, 0, sig, "name"); err != nil {
		return req, err
	}
	if req.Plan, err = planArg([]js.Value{o.Get("plan")}, 0, sig+": plan"); err != nil {
		return req, err
	}
	switch rev := o.Get("baseRevision"); {
	case rev.Type() == js.TypeNumber:
		f := rev.Float()
		if f != float64(int64(f)) {
			return req, api.ArgumentError("%s: baseRevision %v is not a whole number", sig, f)
		}
		req.BaseRevision = int64(f)
	case rev.IsUndefined() || rev.IsNull():
		if req.ID != "" {
			return req, api.ArgumentError("%s: saving draft %s needs the baseRevision it was loaded or last saved with", sig, req.ID)
		}
	default:
		return req, api.ArgumentError("%s: baseRevision must be a number, not %s", sig, rev.Type())
	}
	return req, nil
}
