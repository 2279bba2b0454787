// Colloquy's core: comments and Latest Stories, from bytes to safe HTML. Include this one header.
#pragma once
#include "colloquy/api.hpp"
