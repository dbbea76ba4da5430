#!/usr/bin/env python3
"""Checks that the GEMM micro-kernels keep their tile in registers: no vector register reloaded from the
stack in a k loop.

Usage: gemm_loops_check.py OBJDUMP OBJECT... (or one ;-separated list of objects)

A spilled accumulator is loaded, updated and stored back in every k step: a chain through memory, which a
model of Neoverse V1/V2 put at 50-65 % of the tile's peak (llvm-mca; the MMLA tile of g++ 12 before its
files were built with -fno-schedule-insns: kernels/gemm/CMakeLists.txt). The results stay correct, so
the correctness tests cannot see it, and no test machine runs the code at speed.

For every SIMD GEMM object (gemm_<isa>[_<feature>].cpp.o; the scalar one has no vector tile; other
objects passed, such as the rest of $<TARGET_OBJECTS:armperf_kernels>, are left out), every micro-kernel
function (its name has "ukernel") and every innermost loop of it with a multiply-accumulate instruction:
no instruction may read a vector register's value from the stack. Stores alone (a copy kept for after the
loop) and general-purpose reloads (a loop-invariant pointer re-read) form no chain and are only counted.
Each such object must have a micro-kernel, and each micro-kernel such a loop, so that a renamed function
or an unlisted instruction fails here instead of being skipped. Exit 0 when all hold, 1 otherwise (one
line per failure), 2 on bad usage.
"""
import os
import re
import subprocess
import sys

# The tile's multiply-accumulate instructions: packed FMA, dot and block products (not scalar fmadd).
MAC = re.compile(r"^(vfmadd(132|213|231)p[sdh]|vpdpbusds?|vdpbf16ps|vpmaddwd"
                 r"|fmla|sdot|udot|smmla|bfdot|bfmmla)$")
# A stack operand: [sp], [sp, #16] (aarch64); 0x10(%rsp) (x86; %rbp is an ordinary register at -O2).
STACK = re.compile(r"\[sp[\],]|\(%rsp[),]")
X86_VECTOR = re.compile(r"%[xyz]mm\d+")
ARM_VECTOR = re.compile(r"^\{?[qdshbvz]\d+")  # q3, d0, {v0.4s ...}, z1.s: FP/SIMD registers
LINE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")
TARGET = re.compile(r"(?:^|[\s,])([0-9a-f]+) <[^>]*>")
# An ISA file of the GEMM family (gemm_avx512.cpp.o, gemm_int8_avx512_vnni.cpp.o, gemm_neon_i8mm.cpp.o):
# not the driver, family, reference or peer objects, nor the scalar one.
SIMD_OBJECT = re.compile(r"^gemm_(int8_)?(neon|sve2?|avx2|avx512)(_[a-z0-9]+)?\.cpp\.o(bj)?$")


def is_branch(mnemonic):
    if mnemonic.startswith("j"):  # x86
        return True
    return mnemonic in ("b", "cbz", "cbnz", "tbz", "tbnz") or mnemonic.startswith("b.")


def reads_vector_from_stack(mnemonic, operands):
    """Whether the instruction loads a vector (FP/SIMD) register's value from a stack slot."""
    if not STACK.search(operands):
        return False
    if "%" in operands:  # x86, AT&T: the destination is the last operand
        source = operands[:operands.rfind(",")] if "," in operands else operands
        return STACK.search(source) is not None and X86_VECTOR.search(operands) is not None
    return mnemonic.startswith("ld") and ARM_VECTOR.match(operands.strip()) is not None


def functions(objdump, path):
    """(name, [(address, mnemonic, operands)]) for each function of the object."""
    text = subprocess.run([objdump, "-d", "-C", "--no-show-raw-insn", path], check=True,
                          capture_output=True, text=True).stdout
    name, body = None, []
    for line in text.splitlines():
        m = FUNCTION.match(line)
        if m:
            if name is not None:
                yield name, body
            name, body = m.group(1), []
            continue
        m = LINE.match(line)
        if m and name is not None:
            operands = m.group(3).split("//")[0].split(" # ")[0]  # objdump's comments
            body.append((int(m.group(1), 16), m.group(2), operands))
    if name is not None:
        yield name, body


def innermost_loops(body):
    """[(first, last)] index ranges of the loops (backward branches) that contain no other loop."""
    loops = []
    for i, (address, mnemonic, operands) in enumerate(body):
        t = TARGET.search(operands) if is_branch(mnemonic) else None
        if t and int(t.group(1), 16) <= address:
            first = next((j for j, ins in enumerate(body) if ins[0] == int(t.group(1), 16)), None)
            if first is not None:
                loops.append((first, i))
    return [(a, b) for (a, b) in loops if not any(a <= c and d <= b and (c, d) != (a, b) for (c, d) in loops)]


def main(argv):
    if len(argv) < 3:
        print("usage: gemm_loops_check.py OBJDUMP OBJECT...", file=sys.stderr)
        return 2
    # CMake passes $<TARGET_OBJECTS:...> to add_test as one ;-separated argument.
    paths = [p for arg in argv[2:] for p in arg.split(";") if p]
    objdump, objects = argv[1], [p for p in paths if SIMD_OBJECT.search(os.path.basename(p))]
    failures, checked, other_stack = [], 0, 0
    if not objects:
        failures.append("no SIMD GEMM object among the arguments (expected gemm_<isa>.cpp.o)")
    for path in objects:
        try:
            kernels = [(n, b) for n, b in functions(objdump, path) if "ukernel" in n]
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"gemm_loops_check: cannot disassemble {path} with {objdump}: {e}", file=sys.stderr)
            return 2
        if not kernels:
            failures.append(f"{os.path.basename(path)}: no micro-kernel function (name with 'ukernel')")
        for name, body in kernels:
            short = name.replace("armperf::kernels::", "").replace("(anonymous namespace)::", "")
            short = short.split("(")[0]
            name_shown = f"{os.path.basename(path)}: {short}"
            mac_loops = [(a, b) for (a, b) in innermost_loops(body)
                         if any(MAC.match(ins[1]) for ins in body[a:b + 1])]
            if not mac_loops:
                failures.append(f"{name_shown}: no k loop with a multiply-accumulate instruction")
            for a, b in mac_loops:
                checked += 1
                loop = body[a:b + 1]
                reloads = [ins for ins in loop if reads_vector_from_stack(ins[1], ins[2])]
                other_stack += sum(1 for ins in loop if STACK.search(ins[2])) - len(reloads)
                if reloads:
                    shown = "; ".join(f"{m} {o.strip()}" for _, m, o in reloads[:4])
                    where = f"0x{body[a][0]:x}-0x{body[b][0]:x}"
                    failures.append(f"{name_shown}: {len(reloads)} vector reloads from the stack "
                                    f"in the k loop at {where} ({shown})")
    for f in failures:
        print("FAIL", f)
    print(f"{checked} k loops of {len(objects)} objects checked, {len(failures)} failures "
          f"({other_stack} other stack accesses in them: stores, general-purpose reloads)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
