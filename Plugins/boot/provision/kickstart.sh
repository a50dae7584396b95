# Provision plugin "kickstart": a kickstart image is installed by the distribution's own
# installer (anaconda) from the kickstart boot entry, never by this installer, so fetch
# always fails and the installer moves on to the fallback method.

#@ segment fetch
echo "Luna: kickstart images are installed by the OS installer (anaconda), not by this installer"
return 1
