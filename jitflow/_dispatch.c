/* The cache-hit path of a jitflow function, in C: jitflow/function.py's ``_call_path``
 * without its Python frame.
 *
 * Why C: on a cache hit jitflow's work is a type check per argument, the 64-bit switch,
 * JAX's C++ dispatch (``jax.jit``) and one conversion of the result. Written in Python,
 * that step costs about 0.5 us on top of ``jax.jit`` + ``np.array`` (an 8 us call), most
 * of it the frame itself; here it costs a few C branches. The logic is exactly the Python
 * closure's, which stays the reference and the fallback where this module is not built
 * (no compiler when installing): keep the two in step.
 *
 * A ``Dispatcher`` is created empty; ``bind(...)`` hands it what it calls. Anything but
 * ndarrays, Python floats and jax.Arrays in the arguments, keyword arguments, or a
 * function with static arguments goes to ``general(args, kwargs)``.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *jitted;     /* jax.jit of the staged function: JAX's C++ dispatch */
    PyObject *general;    /* Function._call_general(args, kwargs) */
    PyObject *failed;     /* Function._failed(exception, None, args): re-raises */
    PyObject *x64;        /* jax.enable_x64, a config State */
    PyObject *x64_value;  /* the descriptor of its ``value`` (read without a lookup) */
    PyObject *ndarray;    /* np.ndarray */
    PyObject *jax_array;  /* the concrete jax.Array class */
    PyObject *np_array;   /* np.array */
    int swap;             /* x64.swap_local/set_local exist and are safe to use */
    int fast;             /* no static arguments: the fast path applies */
    PyObject *gather;     /* NULL, or () -> (jitted, *captured arrays) | None (captures.py) */
    PyObject *fast_ns;    /* NULL, or the globals dict every captured path reads from */
    PyObject *fast_names; /* ... and the names read there, in the plan's order */
    PyObject *last_values;  /* what those names held at the last gather */
    PyObject *last_result;  /* what ``gather`` returned then */
    int array_head_ok;    /* ArrayHead fits this NumPy (checked by bind) */
    Py_ssize_t calls;     /* calls so far (cache_info's hits are calls - misses) */
} Dispatcher;

static PyObject *str_value, *str_swap_local, *str_set_local, *str_finish;
static PyObject *empty_tuple;

/* The head of NumPy's array object (``PyArrayObject_fields`` in numpy/ndarraytypes.h,
 * the same from NumPy 1.7 to 2.x), mirrored rather than included: the build needs no
 * NumPy headers. ``bind`` checks the mirror against a real array and, if it does not fit,
 * every call with an array argument takes the general path. */
typedef struct {
    PyObject_HEAD
    char *data;
    int nd;
    Py_ssize_t *dimensions;
    Py_ssize_t *strides;
    PyObject *base;
    PyObject *descr;
    int flags;
} ArrayHead;

#define ARRAY_C_CONTIGUOUS 0x0001
#define MAX_FAST_ARRAYS 16

/* The positional arguments as a tuple (for the Python callees that take one). */
static PyObject *
args_tuple(PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *tuple = PyTuple_New(nargs);
    if (tuple == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < nargs; i++) {
        Py_INCREF(args[i]);
        PyTuple_SET_ITEM(tuple, i, args[i]);
    }
    return tuple;
}

static PyObject *
call_general(Dispatcher *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *tuple = args_tuple(args, nargs);
    if (tuple == NULL)
        return NULL;
    PyObject *kwargs = PyDict_New();
    if (kwargs == NULL) {
        Py_DECREF(tuple);
        return NULL;
    }
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t i = 0; i < nkw; i++) {
        if (PyDict_SetItem(kwargs, PyTuple_GET_ITEM(kwnames, i), args[nargs + i]) < 0) {
            Py_DECREF(tuple);
            Py_DECREF(kwargs);
            return NULL;
        }
    }
    PyObject *res = PyObject_CallFunctionObjArgs(self->general, tuple, kwargs, NULL);
    Py_DECREF(tuple);
    Py_DECREF(kwargs);
    return res;
}

/* Hand the pending exception to ``failed``, which raises its own or returns the result of
 * the call made again (a trace that read captured state the call did not pass). */
static PyObject *
report_failure(Dispatcher *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *result = NULL;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL)
        PyException_SetTraceback(value, tb);
    PyObject *tuple = args_tuple(args, nargs);
    if (tuple != NULL) {
        result = PyObject_CallFunctionObjArgs(self->failed, value, Py_None, tuple, NULL);
        Py_DECREF(tuple);
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    if (result == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_RuntimeError, "jitflow: a failed call was not reported");
    return result;
}

/* The owner of an array's memory: the end of its chain of ndarray bases; NULL when that
 * is not an ndarray (memory from a buffer, an mmap, a foreign library). */
static PyObject *
memory_owner(PyObject *a, PyTypeObject *ndarray)
{
    for (;;) {
        PyObject *base = ((ArrayHead *)a)->base;
        if (base == NULL)
            return a;
        if (!PyObject_TypeCheck(base, ndarray))
            return NULL;
        a = base;
    }
}

/* Whether the call's arrays need no memory key (jitflow/aliasing.py): each C-contiguous
 * and, with two or more, each owning its memory through ndarray bases, no two the same
 * owner. The twin of aliasing.fast_path_memory_ok. */
static int
memory_ok(Dispatcher *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *owners[MAX_FAST_ARRAYS];
    Py_ssize_t n = 0;
    PyTypeObject *ndarray = (PyTypeObject *)self->ndarray;
    for (Py_ssize_t i = 0; i < nargs; i++) {
        if (Py_TYPE(args[i]) != ndarray)
            continue;
        if (!self->array_head_ok || !(((ArrayHead *)args[i])->flags & ARRAY_C_CONTIGUOUS))
            return 0;
        if (n == MAX_FAST_ARRAYS)
            return 0;
        owners[n++] = args[i];
    }
    if (n < 2)
        return 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        owners[i] = memory_owner(owners[i], ndarray);
        if (owners[i] == NULL)
            return 0;
        for (Py_ssize_t j = 0; j < i; j++)
            if (owners[j] == owners[i])
                return 0;
    }
    return 1;
}

static PyObject *finish_result(Dispatcher *self, PyObject *res, PyObject *const *leaves,
                               Py_ssize_t n, int jax_out);

#define MAX_FAST_NAMES 16

/* This call's captured state, ``(jitted, *arrays)`` (new reference), or None: take the
 * general path. When every captured path is a global of one module and each still holds
 * the very object of the last call, that call's result is reused without calling
 * ``gather`` (which reads, tags and checks them in Python; it returns a list instead of a
 * tuple when identity is not enough, e.g. a bool mask changed in place). */
static PyObject *
gather_captures(Dispatcher *self)
{
    Py_ssize_t n = self->fast_names != NULL ? PyTuple_GET_SIZE(self->fast_names) : 0;
    PyObject *values = NULL;
    if (n > 0 && n <= MAX_FAST_NAMES) {
        int same = self->last_result != NULL && self->last_values != NULL;
        values = PyTuple_New(n);
        if (values == NULL)
            return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *v = PyDict_GetItemWithError(self->fast_ns,
                                                  PyTuple_GET_ITEM(self->fast_names, i));
            if (v == NULL) {
                Py_CLEAR(values);
                if (PyErr_Occurred())
                    return NULL;
                same = 0;
                break;
            }
            Py_INCREF(v);
            PyTuple_SET_ITEM(values, i, v);
            if (same && v != PyTuple_GET_ITEM(self->last_values, i))
                same = 0;
        }
        if (same) {
            Py_DECREF(values);
            Py_INCREF(self->last_result);
            return self->last_result;
        }
    }
    PyObject *got = PyObject_CallNoArgs(self->gather);
    if (got == NULL || got == Py_None || !(PyTuple_CheckExact(got) || PyList_CheckExact(got))) {
        Py_XDECREF(values);
        return got;
    }
    if (PyList_CheckExact(got)) {  /* not to be reused */
        PyObject *tuple = PyList_AsTuple(got);
        Py_DECREF(got);
        Py_XDECREF(values);
        Py_CLEAR(self->last_result);
        return tuple;
    }
    if (values != NULL) {
        Py_XSETREF(self->last_values, values);
        Py_INCREF(got);
        Py_XSETREF(self->last_result, got);
    }
    return got;
}

static PyObject *
dispatch(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Dispatcher *self = (Dispatcher *)callable;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    self->calls++;
    if (!self->fast || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0))
        return call_general(self, args, nargs, kwnames);
    int jax_out = 0;
    for (Py_ssize_t i = 0; i < nargs; i++) {
        PyTypeObject *t = Py_TYPE(args[i]);
        if (t == (PyTypeObject *)self->ndarray || t == &PyFloat_Type)
            continue;
        if (t == (PyTypeObject *)self->jax_array) {
            jax_out = 1;
            continue;
        }
        return call_general(self, args, nargs, kwnames);
    }
    if (!memory_ok(self, args, nargs))
        return call_general(self, args, nargs, kwnames);

    /* Captured state: the jax.jit for this call's guards, and the arrays after the args. */
    PyObject *callee = self->jitted, *gathered = NULL;
    PyObject *stack[16];
    PyObject *const *call_args = args;
    Py_ssize_t call_n = nargs;
    if (self->gather != NULL && self->gather != Py_None) {
        gathered = gather_captures(self);
        if (gathered == NULL)
            return NULL;
        Py_ssize_t extra = PyTuple_CheckExact(gathered) ? PyTuple_GET_SIZE(gathered) - 1 : -1;
        if (extra < 0 || nargs + extra > 16) {
            Py_DECREF(gathered);
            return call_general(self, args, nargs, kwnames);
        }
        callee = PyTuple_GET_ITEM(gathered, 0);
        for (Py_ssize_t i = 0; i < nargs; i++)
            stack[i] = args[i];
        for (Py_ssize_t i = 0; i < extra; i++)
            stack[nargs + i] = PyTuple_GET_ITEM(gathered, i + 1);
        call_args = stack;
        call_n = nargs + extra;
    }
    PyObject *result = NULL;
    PyObject *enabled = Py_TYPE(self->x64_value)->tp_descr_get(
        self->x64_value, self->x64, (PyObject *)Py_TYPE(self->x64));
    if (enabled == NULL)
        goto done;
    int on = PyObject_IsTrue(enabled);
    Py_DECREF(enabled);
    if (on < 0)
        goto done;
    PyObject *res;
    if (on) {  /* the user enabled 64-bit types already: nothing to switch */
        res = PyObject_Vectorcall(callee, call_args, call_n, NULL);
    } else if (self->swap) {  /* 64-bit types for this call (NumPy semantics) */
        PyObject *prev = PyObject_CallMethodOneArg(self->x64, str_swap_local, Py_True);
        if (prev == NULL)
            goto done;
        res = PyObject_Vectorcall(callee, call_args, call_n, NULL);
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyObject *r = PyObject_CallMethodOneArg(self->x64, str_set_local, prev);
        Py_DECREF(prev);
        if (r == NULL) {
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(tb);
            Py_XDECREF(res);
            goto done;
        }
        Py_DECREF(r);
        PyErr_Restore(type, value, tb);
    } else {
        result = call_general(self, args, nargs, kwnames);
        goto done;
    }
    if (res == NULL) {
        result = report_failure(self, args, nargs);
        goto done;
    }
    result = finish_result(self, res, call_args, call_n, jax_out);
done:
    Py_XDECREF(gathered);
    return result;
}

/* A jitflow error, an assert of the user's or a failed run-time check leaves the call with
 * the user's frames only (jitflow.errors.user_facing; jitflow.tracer.source.user_traceback):
 * the caller's line, then the traced function's lines where there are any, none of
 * jitflow's or JAX's. This C frame adds none, so a run-time check that failed (an index
 * out of bounds) shows the caller's line alone. Other exceptions (a bug) keep every frame. */
static void
keep_user_frames(void)
{
    static PyObject *user_traceback = NULL, *user_facing = NULL;
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (user_traceback == NULL) {
        PyObject *source = PyImport_ImportModule("jitflow.tracer.source");
        PyObject *errors = PyImport_ImportModule("jitflow.errors");
        if (source != NULL && errors != NULL) {
            user_traceback = PyObject_GetAttrString(source, "user_traceback");
            user_facing = PyObject_GetAttrString(errors, "user_facing");
        }
        Py_XDECREF(source);
        Py_XDECREF(errors);
        if (user_traceback == NULL || user_facing == NULL) {
            Py_CLEAR(user_traceback);
            Py_CLEAR(user_facing);
        }
        PyErr_Clear();
    }
    int shown = 0;
    if (user_traceback != NULL && value != NULL && tb != NULL) {
        PyObject *r = PyObject_CallOneArg(user_facing, value);
        shown = r != NULL && PyObject_IsTrue(r) > 0;
        Py_XDECREF(r);
        PyErr_Clear();
    }
    if (shown) {
        PyObject *filtered = PyObject_CallOneArg(user_traceback, tb);
        if (filtered == NULL) {
            PyErr_Clear();
        } else {
            PyException_SetTraceback(value, filtered);
            Py_DECREF(tb);
            tb = NULL;
            if (filtered != Py_None)
                tb = filtered;
            else
                Py_DECREF(filtered);
        }
    }
    PyErr_Restore(type, value, tb);
}

static PyObject *
dispatcher_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                      PyObject *kwnames)
{
    PyObject *result = dispatch(callable, args, nargsf, kwnames);
    if (result == NULL)
        keep_user_frames();
    return result;
}

/* What the call returns, from JAX's result ``res`` (stolen). */
static PyObject *
finish_result(Dispatcher *self, PyObject *res, PyObject *const *leaves, Py_ssize_t n,
              int jax_out)
{
    if (!PyDict_CheckExact(res)) {
        /* A bare array, or a bare 0-d array in a 1-tuple (see Function._staged). */
        int scalar = PyTuple_CheckExact(res);
        PyObject *array = scalar ? PyTuple_GET_ITEM(res, 0) : res;
        if (jax_out) {
            Py_INCREF(array);
            Py_DECREF(res);
            return array;
        }
        PyObject *out = PyObject_CallOneArg(self->np_array, array);
        Py_DECREF(res);
        if (out == NULL || !scalar)
            return out;
        PyObject *value = PyObject_GetItem(out, empty_tuple);  /* out[()]: NumPy's scalar */
        Py_DECREF(out);
        return value;
    }
    /* {entry: arrays}: the entry finishes the call (write-back, prints, the result tree);
     * its leaves are the arguments, then the captured arrays. */
    Py_ssize_t pos = 0;
    PyObject *entry, *arrays, *finished = NULL;
    if (PyDict_Next(res, &pos, &entry, &arrays)) {
        PyObject *tuple = args_tuple(leaves, n);
        if (tuple != NULL) {
            PyObject *finish = PyObject_GetAttr(entry, str_finish);
            if (finish != NULL) {
                finished = PyObject_CallFunctionObjArgs(
                    finish, arrays, tuple, jax_out ? Py_True : Py_False, NULL);
                Py_DECREF(finish);
            }
            Py_DECREF(tuple);
        }
    } else {
        PyErr_SetString(PyExc_RuntimeError, "jitflow: an empty result from JAX");
    }
    Py_DECREF(res);
    return finished;
}

/* Whether ArrayHead reads a real array right: a fresh C-contiguous 2x3 array and its
 * transpose (a view: base set, not C-contiguous). 1 yes, 0 no, -1 error. */
static int
array_head_fits(PyObject *np_array)
{
    PyObject *rows = Py_BuildValue("[[ddd][ddd]]", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
    if (rows == NULL)
        return -1;
    PyObject *a = PyObject_CallOneArg(np_array, rows);
    Py_DECREF(rows);
    if (a == NULL)
        return -1;
    PyObject *t = PyObject_GetAttrString(a, "T");
    if (t == NULL) {
        Py_DECREF(a);
        return -1;
    }
    ArrayHead *h = (ArrayHead *)a, *v = (ArrayHead *)t;
    int ok = h->nd == 2 && h->dimensions[0] == 2 && h->dimensions[1] == 3 &&
             h->strides[0] == 24 && h->strides[1] == 8 && h->base == NULL &&
             (h->flags & ARRAY_C_CONTIGUOUS) && v->nd == 2 && v->base == a &&
             !(v->flags & ARRAY_C_CONTIGUOUS) && v->data == h->data &&
             *(double *)(h->data + 8) == 2.0;
    Py_DECREF(t);
    Py_DECREF(a);
    return ok;
}

static PyObject *
dispatcher_bind(Dispatcher *self, PyObject *args)
{
    PyObject *jitted, *general, *failed, *x64, *ndarray, *jax_array, *np_array;
    PyObject *gather = Py_None, *fast_ns = Py_None, *fast_names = Py_None;
    int swap, fast;
    if (!PyArg_ParseTuple(args, "OOOOOOOpp|OOO", &jitted, &general, &failed, &x64, &ndarray,
                          &jax_array, &np_array, &swap, &fast, &gather, &fast_ns,
                          &fast_names))
        return NULL;
    if (fast_ns != Py_None && (!PyDict_Check(fast_ns) || !PyTuple_Check(fast_names))) {
        PyErr_SetString(PyExc_TypeError, "bind: fast_ns must be a dict, fast_names a tuple");
        return NULL;
    }
    if (!PyType_Check(ndarray) || !PyType_Check(jax_array)) {
        PyErr_SetString(PyExc_TypeError, "bind: ndarray and jax_array must be types");
        return NULL;
    }
    PyObject *x64_value = _PyType_Lookup(Py_TYPE(x64), str_value);  /* borrowed */
    if (x64_value == NULL || Py_TYPE(x64_value)->tp_descr_get == NULL) {
        PyErr_SetString(PyExc_TypeError, "bind: x64 has no `value` descriptor");
        return NULL;
    }
    Py_INCREF(x64_value);
    Py_XSETREF(self->x64_value, x64_value);
    PyObject *olds[7] = {self->jitted, self->general, self->failed, self->x64,
                         self->ndarray, self->jax_array, self->np_array};
    Py_INCREF(jitted); Py_INCREF(general); Py_INCREF(failed); Py_INCREF(x64);
    Py_INCREF(ndarray); Py_INCREF(jax_array); Py_INCREF(np_array);
    self->jitted = jitted;
    self->general = general;
    self->failed = failed;
    self->x64 = x64;
    self->ndarray = ndarray;
    self->jax_array = jax_array;
    self->np_array = np_array;
    self->swap = swap;
    self->fast = fast;
    Py_INCREF(gather);
    Py_XSETREF(self->gather, gather);
    if (fast_ns != Py_None) {
        Py_INCREF(fast_ns);
        Py_INCREF(fast_names);
        Py_XSETREF(self->fast_ns, fast_ns);
        Py_XSETREF(self->fast_names, fast_names);
    } else {
        Py_CLEAR(self->fast_ns);
        Py_CLEAR(self->fast_names);
    }
    Py_CLEAR(self->last_values);
    Py_CLEAR(self->last_result);
    self->array_head_ok = array_head_fits(np_array);
    if (self->array_head_ok < 0)
        return NULL;
    for (int i = 0; i < 7; i++)
        Py_XDECREF(olds[i]);
    Py_RETURN_NONE;
}

static PyObject *
dispatcher_get_calls(Dispatcher *self, void *closure)
{
    return PyLong_FromSsize_t(self->calls);
}

static int
dispatcher_set_calls(Dispatcher *self, PyObject *value, void *closure)
{
    Py_ssize_t n = value == NULL ? -1 : PyLong_AsSsize_t(value);
    if (n == -1 && PyErr_Occurred())
        return -1;
    self->calls = n;
    return 0;
}

static PyObject *
dispatcher_call(PyObject *callable, PyObject *args, PyObject *kwargs)
{
    return PyVectorcall_Call(callable, args, kwargs);
}

static int
dispatcher_traverse(Dispatcher *self, visitproc visit, void *arg)
{
    Py_VISIT(self->jitted);
    Py_VISIT(self->general);
    Py_VISIT(self->failed);
    Py_VISIT(self->x64);
    Py_VISIT(self->x64_value);
    Py_VISIT(self->ndarray);
    Py_VISIT(self->jax_array);
    Py_VISIT(self->np_array);
    Py_VISIT(self->gather);
    Py_VISIT(self->fast_ns);
    Py_VISIT(self->fast_names);
    Py_VISIT(self->last_values);
    Py_VISIT(self->last_result);
    return 0;
}

static int
dispatcher_clear(Dispatcher *self)
{
    Py_CLEAR(self->jitted);
    Py_CLEAR(self->general);
    Py_CLEAR(self->failed);
    Py_CLEAR(self->x64);
    Py_CLEAR(self->x64_value);
    Py_CLEAR(self->ndarray);
    Py_CLEAR(self->jax_array);
    Py_CLEAR(self->np_array);
    Py_CLEAR(self->gather);
    Py_CLEAR(self->fast_ns);
    Py_CLEAR(self->fast_names);
    Py_CLEAR(self->last_values);
    Py_CLEAR(self->last_result);
    return 0;
}

static void
dispatcher_dealloc(Dispatcher *self)
{
    PyObject_GC_UnTrack(self);
    dispatcher_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
dispatcher_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Dispatcher *self = (Dispatcher *)type->tp_alloc(type, 0);
    if (self != NULL)
        self->vectorcall = dispatcher_vectorcall;
    return (PyObject *)self;
}

static PyMethodDef dispatcher_methods[] = {
    {"bind", (PyCFunction)dispatcher_bind, METH_VARARGS,
     "bind(jitted, general, failed, x64, ndarray, jax_array, np_array, swap, fast, "
     "gather=None, fast_ns=None, fast_names=None)"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef dispatcher_getset[] = {
    {"_calls", (getter)dispatcher_get_calls, (setter)dispatcher_set_calls,
     "calls so far", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject DispatcherType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitflow._dispatch.Dispatcher",
    .tp_doc = "The cache-hit path of a jitflow function (see jitflow/_dispatch.c).",
    .tp_basicsize = sizeof(Dispatcher),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
                Py_TPFLAGS_BASETYPE,
    .tp_new = dispatcher_new,
    .tp_dealloc = (destructor)dispatcher_dealloc,
    .tp_traverse = (traverseproc)dispatcher_traverse,
    .tp_clear = (inquiry)dispatcher_clear,
    .tp_call = dispatcher_call,
    .tp_vectorcall_offset = offsetof(Dispatcher, vectorcall),
    .tp_methods = dispatcher_methods,
    .tp_getset = dispatcher_getset,
};

static struct PyModuleDef dispatch_module = {
    PyModuleDef_HEAD_INIT, "jitflow._dispatch",
    "jitflow's cache-hit path in C (optional; jitflow/function.py has the same in Python).",
    -1, NULL,
};

PyMODINIT_FUNC
PyInit__dispatch(void)
{
    if (PyType_Ready(&DispatcherType) < 0)
        return NULL;
    str_value = PyUnicode_InternFromString("value");
    str_swap_local = PyUnicode_InternFromString("swap_local");
    str_set_local = PyUnicode_InternFromString("set_local");
    str_finish = PyUnicode_InternFromString("finish");
    empty_tuple = PyTuple_New(0);
    if (!str_value || !str_swap_local || !str_set_local || !str_finish ||
        !empty_tuple)
        return NULL;
    PyObject *m = PyModule_Create(&dispatch_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&DispatcherType);
    if (PyModule_AddObject(m, "Dispatcher", (PyObject *)&DispatcherType) < 0) {
        Py_DECREF(&DispatcherType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
